// Region overview tabs: after htmx swapped a tab in, move the focus to the chosen tab (or
// target group) and set the page title, so keyboard and screen-reader users know where
// they are.
var fromSubtabs = false;
document.addEventListener("htmx:beforeRequest", function (event) {
  fromSubtabs = !!(event.detail.elt && event.detail.elt.closest(".subtabs"));
});
document.addEventListener("htmx:afterSwap", function (event) {
  var area = event.detail.target;
  if (!area || area.id !== "dashboard-tabs") {
    return;
  }
  var panel = area.querySelector(".tab-panel[data-title]");
  if (panel) {
    var suffix = document.title.split(" · ").slice(-1)[0];
    document.title = panel.getAttribute("data-title") + " · " + suffix;
  }
  var current = area.querySelector((fromSubtabs ? ".subtabs" : ".tabs") + " [aria-current]");
  if (current) {
    current.focus();
  }
});
