// "Add another module" copies one blank form, whose Order the server filled in with the
// next number. Each further copy gets the number after the highest one on the page, so an
// author adding several modules at once does not have to renumber them.
"use strict";

document.addEventListener("formset:added", (event) => {
  if (!event.detail || event.detail.formsetName !== "modules") {
    return;
  }
  const added = event.target.querySelector("input[name$='-order']");
  if (!added) {
    return;
  }
  const others = Array.from(document.querySelectorAll("input[name^='modules-'][name$='-order']"))
    .filter((input) => input !== added && !input.name.includes("__prefix__"))
    .map((input) => Number.parseInt(input.value, 10))
    .filter((value) => Number.isFinite(value));
  if (others.length) {
    added.value = String(Math.max(...others) + 1);
  }
});
