// Script errors are written into the page (#js-errors), so a test reading the DOM sees them.
window.addEventListener("error", function (e) {
  var box = document.getElementById("js-errors");
  if (box) { box.hidden = false; box.textContent += (e.message || "error") + "\n"; }
});
document.addEventListener("DOMContentLoaded", function () {
  // Filter the column cards (or rule rows) by the text typed in #filter.
  var input = document.getElementById("filter");
  if (!input) { return; }
  input.addEventListener("input", function () {
    var q = input.value.toLowerCase();
    document.querySelectorAll("[data-filter]").forEach(function (el) {
      el.hidden = q !== "" && el.getAttribute("data-filter").toLowerCase().indexOf(q) < 0;
    });
  });
});
