// deckbuild serve: added to pages as they are served (never to the built files).  Listens on a
// websocket.  "slides": only the slides changed, so swap them in place (no reload, no flash, the
// speaker view stays connected); "reload": reload the page and come back to the same slide and
// fragment; "error": show the build error over the last good deck; "moved": follow a renamed deck.
(() => {
  const me = document.currentScript;
  const deck = me.dataset.deck;
  let version = me.dataset.version;
  const key = "deckbuild-serve:" + location.pathname + location.search;
  const reveal = () => (window.Reveal && typeof Reveal.isReady === "function" ? Reveal : null);

  // Back to the slide this page showed before a reload we asked for (also with hash: false, and in the
  // speaker view's previews, which keep no hash).  reveal.js clamps indices past the end of the deck.
  const saved = sessionStorage.getItem(key);
  if (saved !== null && reveal()) {
    sessionStorage.removeItem(key);
    const [h, v, f] = JSON.parse(saved);
    const go = () => Reveal.slide(h, v, f === null ? undefined : f);
    if (Reveal.isReady()) go();
    else Reveal.on("ready", go);
  }

  function remember() {
    const r = reveal();
    if (r && r.isReady()) {
      const i = r.getIndices();
      sessionStorage.setItem(key, JSON.stringify([i.h, i.v || 0, i.f === undefined ? null : i.f]));
    }
  }

  function overlay(message) {
    let box = document.getElementById("deckbuild-serve-error");
    if (message === null) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("pre");
      box.id = "deckbuild-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;left:0;right:0;top:0;z-index:2147483647;margin:0;padding:12px 16px;" +
        "background:rgba(160,20,20,0.94);color:#fff;font:15px/1.4 monospace;white-space:pre-wrap;" +
        "text-align:left;box-shadow:0 2px 8px rgba(0,0,0,0.4)";
      document.body.appendChild(box);
    }
    box.textContent = message;
  }

  function reload() {
    remember();
    location.reload();
  }

  // The new build's slides into this page, if it shows the build they were made from.
  async function swap(from) {
    const r = reveal();
    if (from !== version || !r || !r.isReady()) return false;
    const response = await fetch(location.pathname + location.search, { cache: "no-store" });
    const next = new DOMParser().parseFromString(await response.text(), "text/html");
    const slides = next.querySelector(".reveal > .slides");
    const tag = next.querySelector("script[data-deck]");
    const here = document.querySelector(".reveal > .slides");
    if (!response.ok || !slides || !tag || !here) return false;
    const i = r.getIndices();
    const before = r.getCurrentSlide();
    here.innerHTML = slides.innerHTML;
    version = tag.dataset.version;
    // reveal.js's highlight plugin prepares code blocks (and line-number steps) only when it starts.
    if (r.hasPlugin("highlight")) r.getPlugin("highlight").init(r);
    r.sync();
    r.slide(i.h, i.v || 0, i.f);
    // The notes plugin tells the speaker view on slide changes: say the slide changed, as it did.
    r.dispatchEvent({
      target: r.getCurrentSlide(),
      type: "slidechanged",
      data: { indexh: r.getIndices().h, indexv: r.getIndices().v, previousSlide: before, currentSlide: r.getCurrentSlide() },
    });
    overlay(null);
    return true;
  }

  let queue = Promise.resolve();
  function update(note) {
    queue = queue.then(async () => {
      let done = false;
      try {
        done = await swap(note.message);
      } catch (error) {
        done = false;
      }
      if (!done) reload();
    });
  }

  let wait = 200;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = "deck=" + encodeURIComponent(deck) + "&version=" + encodeURIComponent(version);
    const socket = new WebSocket(scheme + "//" + location.host + "/.deckbuild-serve/ws?" + query);
    socket.onopen = () => {
      wait = 200;
    };
    socket.onmessage = (event) => {
      const note = JSON.parse(event.data);
      if (note.type === "reload") {
        reload();
      } else if (note.type === "slides") {
        update(note);
      } else if (note.type === "error") {
        overlay(note.message);
      } else if (note.type === "moved") {
        remember();
        const here = sessionStorage.getItem(key);
        sessionStorage.removeItem(key);
        if (here !== null) sessionStorage.setItem("deckbuild-serve:" + note.message + location.search, here);
        location.href = note.message + location.search + location.hash;
      }
    };
    socket.onclose = () => {
      // The server stopped or restarted: try again, less and less often.
      setTimeout(connect, wait);
      wait = Math.min(wait * 2, 5000);
    };
  }
  connect();
})();
