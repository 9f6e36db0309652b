/* Post-test autosave: each question's fieldset posts its own answer with htmx (see
   templates/courses/attempt.html). A save that fails is reported in that question's status
   area; nothing here, nor django-htmx's DEBUG error page, may replace the page the learner is
   answering on, because that would lose every choice not yet saved. */
(function () {
  "use strict";

  const TRY_AGAIN = " Check your connection, then choose the answer again.";
  const REASONS = {
    400: "the server refused this answer.",
    403: "the server refused it. Reload the page, then choose the answer again.",
    404: "this attempt was not found.",
    409: "this attempt can no longer be changed.",
  };

  function statusArea(fieldset) {
    return document.getElementById(fieldset.dataset.autosaveStatus);
  }

  function showProblem(fieldset, message) {
    const area = statusArea(fieldset);
    const text = document.createElement("span");
    text.className = "autosave-error";
    text.textContent = message;
    area.replaceChildren(text);
  }

  // Our own error fragment (courses/partials/problem.html) carries a sentence written for the
  // learner, e.g. "Time is up for this attempt"; a whole page (a debug page, a 500) does not.
  function serverSentence(xhr) {
    const body = xhr.responseText || "";
    if (!body || /<html/i.test(body)) {
      return "";
    }
    const fragment = new DOMParser().parseFromString(body, "text/html");
    const alert = fragment.querySelector("[role=alert]");
    return alert ? alert.textContent.trim() : "";
  }

  function reasonFor(xhr) {
    const sentence = serverSentence(xhr);
    if (sentence) {
      return sentence;
    }
    if (xhr.status >= 500) {
      return "the server had a problem." + TRY_AGAIN;
    }
    return REASONS[xhr.status] || "the server refused it (" + xhr.status + ")." + TRY_AGAIN;
  }

  function watch(fieldset) {
    // django-htmx's DEBUG script listens on document and swaps in the whole error page for a
    // 400, 403, 404 or 500; stopping the event here, before it bubbles there, keeps the page.
    fieldset.addEventListener("htmx:beforeOnLoad", function (event) {
      if (event.detail.xhr.status >= 400) {
        event.stopPropagation();
      }
    });
    fieldset.addEventListener("htmx:beforeSwap", function (event) {
      const path = event.detail.pathInfo;
      // A signed-out learner's save is redirected to the sign-in page: never show that page here.
      if (event.detail.xhr.status < 400 && path.responsePath && path.responsePath !== path.requestPath) {
        event.detail.shouldSwap = false;
        showProblem(fieldset, "Not saved: you are signed out. Reload the page and sign in again.");
      }
    });
    fieldset.addEventListener("htmx:responseError", function (event) {
      showProblem(fieldset, "Not saved: " + reasonFor(event.detail.xhr));
    });
    fieldset.addEventListener("htmx:sendError", function () {
      showProblem(fieldset, "Not saved: the server could not be reached." + TRY_AGAIN);
    });
    fieldset.addEventListener("htmx:timeout", function () {
      showProblem(fieldset, "Not saved: the server took too long to answer." + TRY_AGAIN);
    });
  }

  document.querySelectorAll("[data-autosave-status]").forEach(watch);
})();
