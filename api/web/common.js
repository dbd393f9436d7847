"use strict";
// Shared by /explore and /dashboard: the credential and GraphQL requests to this server.
// The credential comes from the sign-in box or from `#key=…` in the address. It is kept in sessionStorage (this
// tab only, gone when the tab closes), taken out of the address at once, and sent only in the Authorization
// header: never in a URL, so it reaches no server log, history entry or Referer.
const Creditfile = (() => {
  const STORE = "creditfile.key";

  function keyFromFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    const key = params.get("key");
    if (key === null) return;
    if (key.trim()) sessionStorage.setItem(STORE, key.trim());
    params.delete("key");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? "#" + rest : ""));
  }

  class RequestError extends Error {
    constructor(message, code, status) {
      super(message);
      this.code = code || "UNAVAILABLE";
      this.status = status;
    }
  }

  async function gql(query, variables) {
    const headers = {"Content-Type": "application/json", "Accept": "application/json"};
    const key = sessionStorage.getItem(STORE);
    if (key) headers["Authorization"] = "Bearer " + key;
    let response;
    try {
      response = await fetch("/graphql", {method: "POST", headers, body: JSON.stringify({query, variables})});
    } catch (err) {
      throw new RequestError("The server cannot be reached: " + err.message, "UNAVAILABLE", 0);
    }
    let body;
    try {
      body = await response.json();
    } catch (err) {
      throw new RequestError(`The server answered ${response.status} without a GraphQL answer`, "UNAVAILABLE",
                             response.status);
    }
    if (body.errors && body.errors.length) {
      const first = body.errors[0];
      throw new RequestError(first.message, first.extensions && first.extensions.code, response.status);
    }
    return body.data;
  }

  function $(id) { return document.getElementById(id); }

  function show(id, visible) { $(id).hidden = !visible; }

  function say(text, kind) {
    const box = $("message");
    box.textContent = text || "";
    box.className = kind || "";
    box.hidden = !text;
  }

  function element(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  // Sign in, check the role, then hand the viewer to the page. `allowed`: the roles that may use the page.
  async function start({allowed, purpose, onReady}) {
    keyFromFragment();
    $("signin-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const key = $("key").value.trim();
      $("key").value = "";
      if (!key) return say("Paste an API key first.", "error");
      sessionStorage.setItem(STORE, key);
      location.reload();
    });
    $("signout").addEventListener("click", () => {
      sessionStorage.removeItem(STORE);
      location.reload();
    });
    const who = allowed.join(", ");
    if (!sessionStorage.getItem(STORE)) {
      show("signin", true);
      say(`Sign in with an API key: ${purpose} is for ${who}.`, "info");
      return;
    }
    let viewer;
    try {
      viewer = (await gql("{ viewer { role name regionCode agency { name } } }")).viewer;
    } catch (err) {
      if (err.code === "UNAUTHENTICATED") {
        sessionStorage.removeItem(STORE);
        show("signin", true);
        say(`The key was refused (${err.message}). Sign in with another key.`, "error");
      } else {
        say(`Cannot check the key now: ${err.message}`, "error");
      }
      return;
    }
    $("who").textContent = `${viewer.name || ""} · ${viewer.role}` +
      (viewer.agency ? ` · ${viewer.agency.name}` : "") + (viewer.regionCode ? ` · region ${viewer.regionCode}` : "");
    show("signout", true);
    if (!allowed.includes(viewer.role)) {
      say(`${purpose} is for ${who}; this key is ${viewer.role}. Sign out and use a key of one of those roles.`,
          "error");
      return;
    }
    say("");
    show("app", true);
    await onReady(viewer);
  }

  return {gql, start, say, element, $};
})();
