// Accessibility fixes to Django's admin, loaded at the end of every admin page.
//
// Django's SelectFilter2.js (filter_horizontal) labels its search icon with aria-label on a plain
// span, which ARIA does not allow; as an image the label is read out. Registered here, after the
// widget's own load handler, so it runs once the icons exist.
window.addEventListener("load", () => {
  for (const icon of document.querySelectorAll(".search-label-icon[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
});
