// Checks a disclosure in the reader's own browser: recomputes its leaf from
// the published bytes, folds the inclusion proof up to a root (RFC 9162
// section 2.1.3.2), and checks that root against the log's signed checkpoint
// (Ed25519, C2SP signed note). Nothing here trusts the server's word.
(function () {
  "use strict";
  const button = document.getElementById("verify");
  if (!button) return;
  const out = document.getElementById("verify-result");
  // The result in plain words, and the technical detail folded away beneath it.
  function show(target, words, technical) {
    target.replaceChildren();
    const p = document.createElement("p");
    p.textContent = words;
    const details = document.createElement("details");
    details.className = "technical";
    const summary = document.createElement("summary");
    summary.textContent = button.dataset.technical;
    const code = document.createElement("code");
    code.textContent = technical;
    details.append(summary, code);
    target.append(p, details);
  }
  const enc = new TextEncoder();

  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }
  function unhex(s) { const a = new Uint8Array(s.length / 2); for (let i = 0; i < a.length; i++) a[i] = parseInt(s.substr(i * 2, 2), 16); return a; }
  function unbase64(s) { const b = atob(s); return Uint8Array.from(b, (c) => c.charCodeAt(0)); }
  function join(...parts) { const n = parts.reduce((s, p) => s + p.length, 0); const r = new Uint8Array(n); let o = 0; for (const p of parts) { r.set(p, o); o += p.length; } return r; }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  const node = (l, r) => sha256(join(new Uint8Array([1]), l, r));

  async function rootFromProof(leaf, index, size, proof) {
    if (index >= size) throw new Error("index beyond size");
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) throw new Error("proof too long");
      if ((fn & 1) === 1 || fn === sn) {
        r = await node(p, r);
        if ((fn & 1) === 0) { while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; } }
      } else {
        r = await node(r, p);
      }
      fn >>= 1; sn >>= 1;
    }
    if (sn !== 0) throw new Error("proof too short");
    return r;
  }

  async function checkSignature(note, key) {
    const split = note.indexOf("\n\n");
    const body = note.slice(0, split + 1);
    const lines = note.slice(split + 2).split("\n").filter((l) => l.startsWith("— " + key.origin + " "));
    if (!lines.length) return false;
    const blob = unbase64(lines[0].split(" ")[2]);
    let publicKey;
    try {
      publicKey = await crypto.subtle.importKey("raw", unbase64(key.publicKey), { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return null; // this browser has no Ed25519
    }
    return crypto.subtle.verify({ name: "Ed25519" }, publicKey, blob.slice(4), enc.encode(body));
  }

  button.addEventListener("click", async () => {
    out.textContent = button.dataset.checking;
    out.className = "";
    try {
      const get = async (u) => { const r = await fetch(u); if (!r.ok) throw new Error(u + " " + r.status); return r; };
      const detail = await (await get("/api/v1/disclosures/" + button.dataset.id)).json();
      const content = JSON.parse(detail.canonical);
      if (content.id !== Number(button.dataset.id)) throw new Error("the published bytes are of another disclosure");
      if (content.title.zh !== button.dataset.title && content.title.en !== button.dataset.title) throw new Error("the page's title differs from the published bytes");
      const index = detail.disclosure.leafIndex;
      const proof = await (await get("/api/v1/log/proofs/inclusion?index=" + index)).json();
      const key = await (await get("/api/v1/log/key")).json();
      const leaf = await sha256(join(new Uint8Array([0]), enc.encode(detail.canonical)));
      if (hex(leaf) !== proof.leafHash) throw new Error("the leaf does not match the content");
      const root = await rootFromProof(leaf, index, proof.size, proof.proof.map(unhex));
      const [origin, size, rootB64] = proof.checkpoint.split("\n");
      if (origin !== key.origin || Number(size) !== proof.size || hex(unbase64(rootB64)) !== hex(root)) throw new Error("the proof does not reach the signed root");
      const signed = await checkSignature(proof.checkpoint, key);
      if (signed === false) throw new Error("the checkpoint's signature is not valid");
      // Each attached file must hash to what the log recorded for it.
      for (const file of content.attachments || []) {
        const bytes = new Uint8Array(await (await get("/attachments/" + file.sha256)).arrayBuffer());
        if (hex(await sha256(bytes)) !== file.sha256) throw new Error("attachment " + file.name + " differs from the log");
      }
      out.className = "notice";
      const files = (content.attachments || []).length ? " " + button.dataset.files.replace("{count}", content.attachments.length) : "";
      const technical = button.dataset.detail.replace("{index}", index).replace("{size}", proof.size).replace("{root}", hex(root));
      show(out, (signed === null ? button.dataset.nosig : button.dataset.ok) + files, technical);
    } catch (e) {
      out.className = "error";
      show(out, button.dataset.fail, e.message);
    }
  });
})();
