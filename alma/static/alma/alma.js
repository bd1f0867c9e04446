// Alma's few behaviours, in a file the Content-Security-Policy allows (no inline script):
// - a <select data-autosubmit> submits its form when changed (language switch, filters);
// - a <form data-confirm="question"> asks before it is submitted;
// - Back restores typed words, the main menu folds on phones, filters fold on phones (below).
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

// Back and forward: htmx restores its copy of the page's HTML for the address, but typed words
// live in the fields, not in that HTML (the search box would come back empty while the address
// and results keep the words, and the next facet click would drop them). A form marked
// data-from-address takes its fields' values from the address whenever a page is restored.
function formsFollowAddress() {
  const parameters = new URLSearchParams(window.location.search);
  document.querySelectorAll("form[data-from-address]").forEach((form) => {
    Array.from(form.elements).forEach((field) => {
      if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement) || !field.name) {
        return;
      }
      const values = parameters.getAll(field.name);
      if (field instanceof HTMLInputElement && (field.type === "checkbox" || field.type === "radio")) {
        field.checked = values.includes(field.value);
      } else if (field instanceof HTMLSelectElement) {
        if (values.length) {
          field.value = values[0];
        }
      } else if (field.type !== "hidden") {
        field.value = values[0] || "";
      }
    });
  });
}
document.addEventListener("htmx:historyRestore", formsFollowAddress);
window.addEventListener("pageshow", formsFollowAddress);

// The main menu folds behind a button on narrow screens (CSS shows the button there only).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-menu-button]");
  if (!button) {
    return;
  }
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  document.getElementById(button.getAttribute("aria-controls") || "")?.classList.toggle("open", open);
});

// Filters sit in a <details> that starts folded (a phone sees results first); a wide screen
// has room for them beside the results, so it opens them.
let filtersWereOpen = false;
document.addEventListener("htmx:beforeSwap", () => {
  filtersWereOpen = Boolean(document.querySelector("details[data-open-when-wide][open]"));
});
function filtersUnfoldWhenWide(event) {
  // New results keep the filters as the user left them (open while ticking boxes on a phone).
  const keepOpen = event && event.type === "htmx:afterSettle" && filtersWereOpen;
  if (keepOpen || window.matchMedia("(min-width: 48.01rem)").matches) {
    document.querySelectorAll("details[data-open-when-wide]").forEach((details) => {
      details.open = true;
    });
  }
}
document.addEventListener("DOMContentLoaded", filtersUnfoldWhenWide);
document.addEventListener("htmx:afterSettle", filtersUnfoldWhenWide);
document.addEventListener("htmx:historyRestore", filtersUnfoldWhenWide);

// A form that asks for it (data-change-event="NAME") announces a change of any field but the
// one it names in data-change-except as that event, for hx-trigger to answer: htmx's own event
// filters (change[...]) are code it would have to evaluate, which the CSP forbids.
document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("form[data-change-event]");
  if (!form || event.target.id === form.dataset.changeExcept) return;
  form.dispatchEvent(new CustomEvent(form.dataset.changeEvent, { bubbles: false }));
});
