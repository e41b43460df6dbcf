// Formatting for people: money in yuan from fen, areas in m² from
// hundredths, times in the reader's zone, shares from basis points.
import { lang } from "./i18n.js";

const locale = () => (lang() === "zh" ? "zh-CN" : "en-GB");

// yuan formats an integer amount of fen exactly (no floating point).
export function yuan(fen) {
  if (fen === undefined || fen === null) return "—";
  const s = BigInt(fen).toString();
  const neg = s.startsWith("-");
  const digits = (neg ? s.slice(1) : s).padStart(3, "0");
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (neg ? "-" : "") + "¥" + whole + "." + digits.slice(-2);
}

export function area(centi) {
  if (centi === undefined || centi === null) return "—";
  const s = String(centi).padStart(3, "0");
  return s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + s.slice(-2) + " m²";
}

export function share(bp) {
  const s = String(bp ?? 0).padStart(3, "0");
  return s.slice(0, -2) + "." + s.slice(-2) + "%";
}

export function time(v) {
  if (v === undefined || v === null || v === "") return "—";
  const d = typeof v === "number" ? new Date(v * 1000) : new Date(v);
  if (isNaN(d)) return String(v);
  return d.toLocaleString(locale(), { dateStyle: "medium", timeStyle: "medium" });
}

export function short(h, n = 10) {
  if (!h) return "";
  return h.length > 2 * n ? h.slice(0, n) + "…" + h.slice(-6) : h;
}
