/* The home page's province finder (scripts/cidi/templates/finder.html.j2) as a combobox (WAI-ARIA 1.2
   "combobox with list autocomplete"): typing a name in English, Chinese or pinyin lists the provinces it
   matches; Up and Down choose, Enter (or a tap) opens the province's page, Escape closes the list. The
   choices, their addresses and the names each answers to are the <datalist> options the page carries for
   browsers without this script. */
(function () {
  "use strict";

  function normal(text) {
    return String(text).toLowerCase().replace(/[\s\-'’()（）·.]/g, "");
  }

  function init(form) {
    var input = form.querySelector(".cidi-finder__input");
    var list = form.querySelector("datalist");
    if (!input || !list || form.dataset.ready) return;
    form.dataset.ready = "1";
    var choices = Array.prototype.map.call(list.options, function (option, i) {
      return {name: option.value, other: option.dataset.other, lang: option.dataset.lang, href: option.dataset.href,
              terms: option.dataset.terms.split("|").map(normal).filter(Boolean).concat(normal(option.value)), order: i};
    });

    var box = document.createElement("ul");
    box.id = "cidi-finder-options";
    box.className = "cidi-finder__options";
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-labelledby", form.querySelector("label").id = "cidi-finder-label");
    box.hidden = true;
    var status = document.createElement("p");
    status.className = "cidi-finder__status";
    status.setAttribute("role", "status");
    form.querySelector(".cidi-finder__box").appendChild(box);
    form.appendChild(status);

    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", box.id);

    var shown = [];
    var active = -1;

    function matches(query) {
      var q = normal(query);
      if (!q) return [];
      var scored = [];
      choices.forEach(function (c) {
        var best = 3;
        c.terms.forEach(function (t) {
          if (t === q) best = Math.min(best, 0);
          else if (t.indexOf(q) === 0) best = Math.min(best, 1);
          else if (t.indexOf(q) > 0) best = Math.min(best, 2);
        });
        if (best < 3) scored.push({c: c, score: best});
      });
      scored.sort(function (a, b) { return a.score - b.score || a.c.order - b.c.order; });
      return scored.map(function (s) { return s.c; });
    }

    function setActive(i) {
      active = i;
      Array.prototype.forEach.call(box.children, function (li, j) {
        li.setAttribute("aria-selected", j === i ? "true" : "false");
      });
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", box.children[i].id);
        box.children[i].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function render() {
      shown = matches(input.value);
      box.textContent = "";
      shown.forEach(function (c, i) {
        var li = document.createElement("li");
        li.id = "cidi-finder-option-" + i;
        li.className = "cidi-finder__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = c.name + " ";
        var other = document.createElement("span");
        other.lang = c.lang;
        other.className = "cidi-finder__other";
        other.textContent = c.other;
        li.appendChild(other);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });  /* keep the focus */
        li.addEventListener("click", function () { go(c); });
        box.appendChild(li);
      });
      var open = shown.length > 0;
      box.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = input.value.trim() === "" ? "" :
        open ? form.dataset.found.replace("{n}", shown.length) : form.dataset.none;
    }

    function go(choice) {
      close();
      input.value = choice.name;
      window.location.href = choice.href;
    }

    input.addEventListener("input", render);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (box.hidden) render();
        if (!shown.length) return;
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive(active < 0 ? (step > 0 ? 0 : shown.length - 1) : (active + step + shown.length) % shown.length);
      } else if (event.key === "Enter") {
        if (event.isComposing) return;  /* an input method's own Enter */
        if (shown.length) {
          event.preventDefault();
          go(shown[active >= 0 ? active : 0]);
        }
      } else if (event.key === "Escape") {
        if (!box.hidden) { event.preventDefault(); close(); }
        else input.value = "";
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    form.addEventListener("submit", function (event) {
      var found = matches(input.value);
      if (found.length) {
        event.preventDefault();
        go(found[0]);
      }
    });
  }

  function start() {
    document.querySelectorAll("form.cidi-finder").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
