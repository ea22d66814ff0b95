/* Open a municipality's explanation when its link (#uitleg-GM0363) is followed. */
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    if (el && el.tagName === "DETAILS") {
      el.open = true;
      var summary = el.querySelector("summary");
      if (summary) summary.focus();
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
