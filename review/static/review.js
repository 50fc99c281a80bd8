// Jump between the changed rows of a 新旧对照表: buttons, and j/n (next) k/p (previous).
(function () {
  "use strict";
  // The renderer starts each shown (changed) pair with a head row carrying its permalink id.
  var CHANGE_ROWS = ".diff-table tr.rw-head";
  var current = -1;

  function rows() { return Array.prototype.slice.call(document.querySelectorAll(CHANGE_ROWS)); }

  function show(index) {
    var all = rows();
    if (!all.length) { return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row) { row.classList.remove("current-change"); });
    var row = all[current];
    row.classList.add("current-change");
    row.setAttribute("tabindex", "-1");
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
    if (row.id && window.history.replaceState) { window.history.replaceState(null, "", "#" + row.id); }
    var position = document.getElementById("change-position");
    if (position) { position.textContent = (current + 1) + " / " + all.length; }
    markOps(row.id);
  }

  // Beside the table: light up the decision's operations that touched the current row.
  function markOps(rowId) {
    var first = null;
    Array.prototype.forEach.call(document.querySelectorAll(".amendment li.op"), function (op) {
      var touches = Array.prototype.some.call(op.querySelectorAll("a.op-target"), function (link) {
        return link.getAttribute("href") === "#" + rowId;
      });
      op.classList.toggle("touches-current", touches);
      if (touches && !first) { first = op; }
    });
    if (first) { first.scrollIntoView({ block: "nearest" }); }
  }

  function step(delta) { show(current < 0 && delta < 0 ? 0 : current + delta); }

  document.addEventListener("DOMContentLoaded", function () {
    var next = document.getElementById("next-change");
    var prev = document.getElementById("prev-change");
    if (!next) { return; }
    next.addEventListener("click", function () { step(1); });
    prev.addEventListener("click", function () { step(-1); });
    var position = document.getElementById("change-position");
    if (position) { position.textContent = rows().length + " 处修改"; }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
      if (event.key === "j" || event.key === "n") { step(1); event.preventDefault(); }
      if (event.key === "k" || event.key === "p") { step(-1); event.preventDefault(); }
    });
  });
}());
