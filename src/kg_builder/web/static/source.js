/* The source reader: bring the selected highlight into view and give it the focus. The anchor alone
 * may sit under the header on small screens. (A file, not an inline script: the site's
 * Content-Security-Policy allows scripts from its own origin only.)
 */
(function () {
  "use strict";
  var first = document.querySelector("mark.selected");
  if (first) {
    first.scrollIntoView({ block: "center" });
    first.setAttribute("tabindex", "-1");
    first.focus({ preventScroll: true });
  }
})();
