"""carercheck: an "Am I a carer?" screening that runs in the messaging app people already use."""

__version__ = "0.1.0"
