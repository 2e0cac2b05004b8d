// Shows only the chosen category's extra questions on the appeal form. The
// page works without it: every category's questions are then shown, and the
// server reads only the chosen category's answers.
(function () {
  var select = document.getElementById("appeal-category");
  if (!select) return;
  var groups = document.querySelectorAll("fieldset.appeal-attributes");
  function show() {
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute("data-category") !== select.value;
    }
  }
  select.addEventListener("change", show);
  show();
})();
