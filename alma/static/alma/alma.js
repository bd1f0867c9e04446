// Alma's few behaviours, in a file the Content-Security-Policy allows (no inline script):
// - a <select data-autosubmit> submits its form when changed (language switch, filters);
// - a <form data-confirm="question"> asks before it is submitted.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});

document.addEventListener("submit", (event) => {
  const question = event.target instanceof HTMLFormElement && event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
