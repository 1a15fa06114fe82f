/* The "Embed this chart" boxes (make_pages.embed_box): the look the embedder picks goes into the embed
   code's address (?theme=dark|auto, &transparent=1, read by the embed page's cidi-embed-theme.js), and the
   image code for newsletters names the host the reader is on and copies with one click. The embed code's
   own host and its copy button are cidi.js's. */
(function () {
  "use strict";
  function query(box) {
    var theme = box.querySelector(".cidi-embed__look input[type=radio]:checked");
    var parts = [];
    if (theme && theme.value !== "light") parts.push("theme=" + theme.value);
    if (box.querySelector('.cidi-embed__look input[name="transparent"]:checked')) parts.push("transparent=1");
    return parts.length ? "?" + parts.join("&amp;") : "";  // the code is HTML: & as &amp;
  }

  function copy(button, code) {
    var label = button.textContent;
    function done() { button.textContent = button.dataset.copied; setTimeout(function () { button.textContent = label; }, 2000); }
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(code.textContent).then(done); return; }
    window.getSelection().selectAllChildren(code);
    document.execCommand("copy");
    done();
  }

  function init() {
    var script = document.querySelector('script[src$="assets/js/cidi-embed-box.js"]');
    var meta = document.querySelector('meta[name="cidi:site-url"]');
    var here = script && new URL(script.getAttribute("src").replace(/assets\/js\/cidi-embed-box\.js$/, ""), location.href).href;
    document.querySelectorAll("details.cidi-embed").forEach(function (box) {
      var look = box.querySelector(".cidi-embed__look");
      var code = box.querySelector(".cidi-embed__code code");
      var preview = box.querySelector(".cidi-embed__preview");
      var page = preview && preview.getAttribute("href");
      if (look && code) {
        look.hidden = false;
        look.addEventListener("change", function () {
          code.textContent = code.textContent.replace(/(\/embed\/[^\/"?]+\/)(\?[^"]*)?"/, "$1" + query(box) + '"');
          if (preview) preview.setAttribute("href", page + query(box).replace(/&amp;/g, "&"));  // the preview in that look
        });
      }
      var image = box.querySelector(".cidi-embed__image code");
      var button = box.querySelector(".cidi-copy-image");
      if (!image) return;
      if (meta && here && meta.content !== here) image.textContent = image.textContent.split(meta.content).join(here);
      if (button) button.addEventListener("click", function () { copy(button, image); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
