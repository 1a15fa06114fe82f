/* mkdocs-material 9.8.2 partials/javascripts/content.html (a linked tab opens), moved into a file for the CSP. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
