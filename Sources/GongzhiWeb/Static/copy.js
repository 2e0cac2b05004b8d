// A copy button puts its text (a receipt without the spaces it is shown with) on the clipboard and says so.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy.replace(/\s+/g, "")).then(() => {
    button.textContent = button.dataset.copied;
  });
});
