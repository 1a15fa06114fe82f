/* Search loads when a reader opens it, not with every page. The theme's bundle starts its search worker and
   requests search/search_index.json (50-80 kB compressed) as soon as a page loads, although few readers
   search. This file runs before the bundle (scripts/cidi/theme/main.html) and holds both back until the
   search field gets focus or the search toggle opens (the header's button, or the "/" and "s" keys): the
   request for the index is sent then, and the worker started. The theme's code is unchanged; it only waits
   a little longer for an index it would have had already. */
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var WORKER = /\/workers\/search\.[0-9a-f]+\.min\.js(?:[?#]|$)/;
  var opened = false;
  var waiting = [];

  function open() {
    if (opened) return;
    opened = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }

  /* The index: the theme requests it with XMLHttpRequest; a request for it is sent once search opens. */
  var xhrOpen = XMLHttpRequest.prototype.open;
  var xhrSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.cidiDeferred = INDEX.test(String(url));
    return xhrOpen.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this, args = arguments;
    if (!xhr.cidiDeferred || opened) return xhrSend.apply(xhr, args);
    waiting.push(function () { xhrSend.apply(xhr, args); });
  };

  /* The worker: a stand-in that keeps the theme's listeners and messages until search opens, then hands
     them to the real worker. */
  var RealWorker = window.Worker;
  if (typeof RealWorker === "function") {
    var LazyWorker = function (url, options) {
      if (!WORKER.test(String(url))) return new RealWorker(url, options);
      var self = this;
      this.real = null;
      this.listeners = [];
      this.queue = [];
      function start() {
        var real = self.real = new RealWorker(url, options);
        self.listeners.forEach(function (l) { real.addEventListener(l[0], l[1], l[2]); });
        self.queue.splice(0).forEach(function (m) { real.postMessage.apply(real, m); });
      }
      if (opened) start(); else waiting.push(start);
    };
    LazyWorker.prototype.addEventListener = function (type, listener, options) {
      this.listeners.push([type, listener, options]);
      if (this.real) this.real.addEventListener(type, listener, options);
    };
    LazyWorker.prototype.removeEventListener = function (type, listener, options) {
      this.listeners = this.listeners.filter(function (l) { return l[0] !== type || l[1] !== listener; });
      if (this.real) this.real.removeEventListener(type, listener, options);
    };
    LazyWorker.prototype.postMessage = function () {
      if (this.real) this.real.postMessage.apply(this.real, arguments);
      else this.queue.push(arguments);
    };
    LazyWorker.prototype.terminate = function () {
      if (this.real) this.real.terminate();
      this.queue = [];
    };
    window.Worker = LazyWorker;
  }

  /* What opens search: focus in its form (the theme focuses the field when its toggle opens) or the toggle. */
  document.addEventListener("focusin", function (event) {
    var form = document.forms.namedItem("search");
    if (form && form.contains(event.target)) open();
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) open();
  });
})();
