// Asks before a form that cannot be undone is sent: its data-confirm text is
// the question. Without scripts the form is sent as it is; the server's
// checks are the same either way.
(function () {
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
