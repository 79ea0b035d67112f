// A refusal is an answer, not a fault: htmx leaves the page unchanged on a 4xx or 5xx response, so a boosted form
// the server refused (400, 403, 409, 422 …) would look as if nothing happened. Swap those pages in like any other,
// so the reason the server gives is shown where the person is looking.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status >= 400) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
