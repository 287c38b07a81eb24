/* carercheck web chat: one <script> tag puts the chat on a page, in a frame, where the tag is.
 *
 *   <script src="https://DASHBOARD/chat/embed.js" data-lang="gu" async></script>
 *
 * data-lang (optional): the language to offer first, such as gu or ur.
 * data-height (optional): the frame's height, such as 640px or 80vh (default 640px).
 * data-title (optional): the frame's name for screen readers.
 * The site must be in CARERCHECK_CHAT_FRAME_ANCESTORS, or the browser refuses the frame.
 * Without JavaScript nothing appears: link to /chat as well, for everyone.
 */
(function () {
  "use strict";
  var tag = document.currentScript;
  if (!tag || !tag.src) { return; }
  var chat = new URL("/chat", tag.src);
  var lang = tag.getAttribute("data-lang");
  if (lang && /^[A-Za-z_-]{2,16}$/.test(lang)) { chat.searchParams.set("lang", lang); }
  var frame = document.createElement("iframe");
  frame.src = chat.href;
  frame.title = tag.getAttribute("data-title") || "Are you a carer? A chat that helps you find out";
  frame.setAttribute("allow", "");
  frame.setAttribute("referrerpolicy", "no-referrer");
  frame.style.width = "100%";
  frame.style.maxWidth = "40rem";
  frame.style.height = tag.getAttribute("data-height") || "640px";
  frame.style.border = "1px solid #767676";
  frame.style.borderRadius = "0.5rem";
  tag.parentNode.insertBefore(frame, tag.nextSibling);
})();
