// Text modules in the block editor: pick one from the menu, or type "::shortcut" and Tab.
// The module's text is put into the textarea as text (setRangeText), never as HTML.
(function () {
  "use strict";

  function insert(textarea, text, start, end) {
    textarea.focus();
    textarea.setRangeText(text, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));  // htmx's live preview
  }

  function modulesOf(menu) {
    const found = {};
    for (const option of menu.options) {
      if (option.value) found[option.value] = option.dataset.body;
    }
    return found;
  }

  document.addEventListener("change", function (event) {
    const menu = event.target.closest(".text-module-menu");
    if (!menu || !menu.value) return;
    const textarea = document.getElementById(menu.dataset.target);
    const body = modulesOf(menu)[menu.value];
    menu.value = "";
    if (textarea && body !== undefined) insert(textarea, body, textarea.selectionStart, textarea.selectionEnd);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab" || event.shiftKey) return;
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement)) return;
    const menu = document.querySelector('.text-module-menu[data-target="' + textarea.id + '"]');
    if (!menu) return;
    const before = textarea.value.slice(0, textarea.selectionStart);
    const typed = before.match(/::([A-Za-z0-9_-]+)$/);
    if (!typed) return;
    const body = modulesOf(menu)[typed[1]];
    if (body === undefined) return;
    event.preventDefault();
    insert(textarea, body, textarea.selectionStart - typed[0].length, textarea.selectionStart);
  });
})();
