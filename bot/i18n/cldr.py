"""Babel's CLDR data, read once: Babel keeps every locale it loads, carercheck needs a few facts.

The first time anything asks about a locale, Babel loads its CLDR data (about 1 MB for each of
carercheck's languages, and 2 MB shared by all) and keeps it for the life of the process.
Of that, carercheck uses the names of each language, which way its script runs and its list
patterns. The catalogs read them at start-up and then call :func:`release`, so a process does
not carry some 13 MB of CLDR data it never reads again (freed before the bot's libraries are
imported, the memory is used again for them). Lists are still formatted by Babel's
:func:`babel.lists.format_list`, given a :class:`ListLocale`, which keeps only the patterns.
"""

from __future__ import annotations

import gc

from babel import Locale, core, localedata
from babel.localedata import LocaleDataDict


class ListLocale(Locale):
    """A Babel locale that keeps only its list patterns (read from CLDR when it is made).

    Raises:
        UnknownLocaleError: CLDR has no such locale.
    """

    def __init__(self, code: str) -> None:
        """Read ``code``'s list patterns from CLDR."""
        parsed = Locale.parse(code)
        super().__init__(parsed.language, parsed.territory, parsed.script, parsed.variant)
        styles = parsed.list_patterns
        self._patterns = LocaleDataDict({style: dict(styles[style]) for style in styles})

    @property
    def list_patterns(self) -> LocaleDataDict:
        """The patterns read when this was made, for :func:`babel.lists.format_list`."""
        return self._patterns


def release() -> None:
    """Let Babel drop the CLDR data it has loaded; it loads it again if anything asks.

    Part of that data is in reference cycles (number and date patterns), so it is collected
    here at once: the next full collection may come long after the memory could be used again.
    """
    with localedata._cache_lock:  # Babel has no public way to empty its caches
        localedata._cache.clear()
    core._global_data = None
    gc.collect()
