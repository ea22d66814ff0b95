/* Live check that a group's weights add up to 100% (the server checks it again on save).
   Numbers are read the Dutch way (comma for decimals) and summed exactly, in
   ten-thousandths of a percent. Messages come from the page (translated there). */
(function () {
  "use strict";
  var HUNDRED = 1000000; // 100% in ten-thousandths
  var THOUSANDS = /^\d{1,3}(\.\d{3})+$/;

  function parse(text) {
    var t = (text || "").replace(/[\s\u00a0]/g, "");
    if (t === "") return 0;
    if (t.indexOf(",") >= 0) {
      t = t.replace(/\./g, "").replace(",", ".");
    } else if (THOUSANDS.test(t)) {
      t = t.replace(/\./g, "");
    }
    var m = /^(\d+)(?:\.(\d{0,4}))?$/.exec(t);
    if (!m) return NaN;
    var frac = (m[2] || "") + "0000";
    return parseInt(m[1], 10) * 10000 + parseInt(frac.slice(0, 4), 10);
  }

  function format(units) {
    var whole = Math.floor(units / 10000);
    var frac = String(units % 10000);
    while (frac.length < 4) frac = "0" + frac;
    frac = frac.replace(/0+$/, "");
    return frac ? whole + "," + frac : String(whole);
  }

  function update(box) {
    var out = box.querySelector("[data-weight-sum]");
    if (!out) return;
    var total = 0;
    var bad = false;
    box.querySelectorAll("[data-weight]").forEach(function (input) {
      var v = parse(input.value);
      if (isNaN(v)) bad = true; else total += v;
    });
    var text;
    if (bad) text = out.dataset.msgInvalid;
    else if (total === HUNDRED) text = out.dataset.msgOk;
    else if (total < HUNDRED) text = out.dataset.msgShort.replace("{missing}", format(HUNDRED - total));
    else text = out.dataset.msgOver.replace("{over}", format(total - HUNDRED));
    text = text.replace("{sum}", format(total));
    if (out.textContent !== text) out.textContent = text;
    var ok = !bad && total === HUNDRED;
    out.classList.toggle("weight-sum--ok", ok);
    out.classList.toggle("weight-sum--wrong", !ok);
  }

  // Show the settings of the chosen mode only (spread: task, key, credit, bounds, rounding;
  // local and statutory: a short explanation), and the entered total only where the task
  // is entered. Fields with an error always stay visible.
  function toggle(group) {
    var checked = group.querySelector("input[name$='-mode']:checked");
    var mode = checked ? checked.value : "spread";
    var task = group.querySelector("select[name$='-task_source']");
    group.querySelectorAll("[data-show-for-mode]").forEach(function (wrapper) {
      var show = wrapper.dataset.showForMode === mode || wrapper.querySelector(".errorlist") !== null;
      wrapper.hidden = !show;
    });
    if (!task) return;
    var needs = { entered: task.value === "entered" };
    group.querySelectorAll("[data-show-for]").forEach(function (wrapper) {
      var show = needs[wrapper.dataset.showFor] || wrapper.querySelector(".errorlist") !== null;
      wrapper.hidden = !show;
    });
  }

  document.querySelectorAll(".group-settings").forEach(function (group) {
    group.addEventListener("change", function () { toggle(group); });
    toggle(group);
  });

  document.querySelectorAll("[data-weights]").forEach(function (box) {
    box.addEventListener("input", function () { update(box); });
    update(box);
  });
})();
