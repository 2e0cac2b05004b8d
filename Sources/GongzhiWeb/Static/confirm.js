// Asks before a form that cannot be undone is sent: its (or the pressed
// button's) data-confirm text is the question. Without scripts the form is sent as it is; the server's
// checks are the same either way.
(function () {
  document.addEventListener("submit", function (event) {
    // A form with several buttons asks about the one pressed.
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || (event.target.getAttribute && event.target.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
