"""Crafted widget messages over a page's own kernel websocket (issue 10, access).

:class:`ForgedChannel` opens, from inside a Voilà page (``page.evaluate``), a second
WebSocket to ``/api/kernels/<the page's kernel id>/channels`` — what anyone holding the
page can do with the browser's console — and speaks the Jupyter widget protocol on it:

- ``states()`` asks the kernel for every widget model (``jupyter.widget.control``,
  ``request_states``), the way Voilà's own front end does, so hidden and disabled
  widgets are found too;
- ``update(comm_id, {...})`` sends ``comm_msg`` ``method: "update"`` (e.g. the ``value``
  of a disabled or hidden Text);
- ``click(comm_id)`` sends ``method: "custom"``, ``{"event": "click"}`` (a Button, also
  a disabled or hidden one);
- each waits until the kernel reports ``idle`` for that message, so the Python side of
  the widget has run its callbacks.

:func:`forge_everything` changes every text, box, choice and number and clicks every
button of a page, twice (the first round may create new widgets).
"""

from __future__ import annotations

from typing import Any

FORGE_JS = r"""
(kernelId) => {
  if (window.__forge) { return true; }
  const waiters = [];
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/kernels/" + kernelId
    + "/channels?session_id=forge-" + Math.random().toString(16).slice(2);
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  function decode(data) {
    if (typeof data === "string") { return JSON.parse(data); }
    // jupyter_server's legacy binary frame: n buffers, their offsets, the message JSON first
    const view = new DataView(data);
    const n = view.getUint32(0);
    const first = view.getUint32(4);
    const end = n > 1 ? view.getUint32(8) : data.byteLength;
    return JSON.parse(new TextDecoder().decode(new Uint8Array(data, first, end - first)));
  }
  const seen = {types: {}, stderr: []};
  ws.onmessage = (ev) => {
    const msg = decode(ev.data);
    seen.types[msg.msg_type] = (seen.types[msg.msg_type] || 0) + 1;
    if (msg.msg_type === "stream" && msg.content.name === "stderr") { seen.stderr.push(msg.content.text); }
    for (const w of waiters.slice()) {
      if (w.test(msg)) { waiters.splice(waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(msg); }
    }
  };
  function wait(test, ms) {
    return new Promise((resolve, reject) => {
      const w = {test, resolve};
      w.timer = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error("no answer")); }, ms);
      waiters.push(w);
    });
  }
  const session = "forge-" + Math.random().toString(16).slice(2);
  function send(msgType, content, version) {
    const id = "forge-" + Math.random().toString(16).slice(2);
    ws.send(JSON.stringify({
      header: {msg_id: id, msg_type: msgType, username: "forge", session, date: new Date().toISOString(),
               version: "5.3"},
      parent_header: {}, metadata: {version: version || "2.1.0"}, content, channel: "shell", buffers: []
    }));
    return id;
  }
  const idle = (id, ms) => wait((m) => m.msg_type === "status" && m.parent_header
    && m.parent_header.msg_id === id && m.content.execution_state === "idle", ms || 60000);
  const opened = new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("ws")); });
  window.__forge = {
    seen,
    async states() {
      await opened;
      const comm = "forge-control-" + Math.random().toString(16).slice(2);
      send("comm_open", {comm_id: comm, target_name: "jupyter.widget.control", data: {}}, "1.0.0");
      const answer = wait((m) => m.msg_type === "comm_msg" && m.content.comm_id === comm
        && m.content.data.method === "update_states", 60000);
      send("comm_msg", {comm_id: comm, data: {method: "request_states"}}, "1.0.0");
      const reply = await answer;
      send("comm_close", {comm_id: comm, data: {}}, "1.0.0");
      return reply.content.data.states;
    },
    async comm(commId, data) {
      await opened;
      const id = send("comm_msg", {comm_id: commId, data});
      await idle(id);
      return id;
    },
    async execute(code) {
      await opened;
      const id = send("execute_request", {code, silent: false, store_history: false, user_expressions: {},
                                          allow_stdin: false, stop_on_error: true});
      try { await idle(id, 5000); return "answered"; } catch (e) { return "no answer"; }
    },
    close() { ws.close(); }
  };
  return opened.then(() => true);
}
"""

TEXT_MODELS = {"TextModel", "TextareaModel", "ComboboxModel", "PasswordModel"}
BOOL_MODELS = {"CheckboxModel", "ToggleButtonModel"}
CHOICE_MODELS = {"DropdownModel", "ToggleButtonsModel", "RadioButtonsModel", "SelectModel", "SelectionSliderModel"}
MULTI_MODELS = {"SelectMultipleModel"}
NUMBER_MODELS = {
    "IntTextModel", "BoundedIntTextModel", "FloatTextModel", "BoundedFloatTextModel", "IntSliderModel",
    "FloatSliderModel",
}
PANEL_MODELS = {"TabModel", "AccordionModel"}
SLOW = ("pc-export-make", "pc-figure-button", "pc-rm-figure-button")
"""Buttons left out of the blanket round: they only make a file or a figure (reads) and take seconds each."""


def kernel_id(page) -> str:
    """Return the id of the kernel behind a Voilà page (from the page's own config)."""
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


class ForgedChannel:
    """A second connection to a page's kernel, opened from inside the page."""

    def __init__(self, page, kernel: str | None = None) -> None:
        self.page = page
        self.kernel = kernel or kernel_id(page)
        page.evaluate(FORGE_JS, self.kernel)

    def states(self) -> dict[str, dict[str, Any]]:
        """Return ``{comm id: {"model_name", "state", …}}`` of every widget in the kernel."""
        return self.page.evaluate("window.__forge.states()")

    def find(self, css_class: str, model: str | None = None) -> list[str]:
        """Return the comm ids of the widgets with ``css_class`` (and model name)."""
        return [
            cid
            for cid, s in self.states().items()
            if css_class in (s["state"].get("_dom_classes") or []) and (model is None or s["model_name"] == model)
        ]

    def update(self, comm_id: str, state: dict[str, Any]) -> None:
        """Set synced attributes of a widget as if its view had changed them."""
        self.page.evaluate("([c, s]) => window.__forge.comm(c, {method: 'update', state: s, buffer_paths: []})",
                           [comm_id, state])

    def click(self, comm_id: str) -> None:
        """Click a button as if its view had been clicked (also when it is disabled or hidden)."""
        self.page.evaluate("(c) => window.__forge.comm(c, {method: 'custom', content: {event: 'click'}})", comm_id)

    def execute(self, code: str) -> str:
        """Send an ``execute_request``; return ``"answered"`` or ``"no answer"`` (5 s)."""
        return self.page.evaluate("(code) => window.__forge.execute(code)", code)

    def seen(self) -> dict[str, Any]:
        """Return what came back: message counts per type and the kernel's stderr lines."""
        return self.page.evaluate("window.__forge.seen")

    def close(self) -> None:
        self.page.evaluate("window.__forge.close()")


def forge_everything(channel: ForgedChannel, marker: str, *, rounds: int = 2, skip: tuple[str, ...] = SLOW) -> int:
    """Change every input and click every button of the page's kernel; return the number of forged messages."""
    sent = 0
    done: set[str] = set()
    for _ in range(rounds):
        states = channel.states()
        for cid, s in states.items():
            if cid in done:
                continue
            name, state = s["model_name"], s["state"]
            if set(state.get("_dom_classes") or []) & set(skip):
                continue
            change: dict[str, Any] | None = None
            if name in TEXT_MODELS:
                change = {"value": f"{marker} {sent}"}
            elif name in BOOL_MODELS:
                change = {"value": not state.get("value")}
            elif name in CHOICE_MODELS and state.get("_options_labels"):
                change = {"index": ((state.get("index") or 0) + 1) % len(state["_options_labels"])}
            elif name in MULTI_MODELS and state.get("_options_labels"):
                change = {"index": list(range(len(state["_options_labels"])))}
            elif name in NUMBER_MODELS and isinstance(state.get("value"), int | float):
                top = state.get("max")
                value = state["value"] + 1
                change = {"value": min(value, top) if isinstance(top, int | float) else value}
            elif name in PANEL_MODELS and state.get("children"):
                change = {"selected_index": len(state["children"]) - 1}
            try:
                if name == "ButtonModel":
                    channel.click(cid)
                elif change is not None:
                    channel.update(cid, change)
                else:
                    continue
            except Exception as exc:  # a widget closed by an earlier click: no answer for it
                if "no answer" not in str(exc):
                    raise
            done.add(cid)
            sent += 1
    return sent
