// A person an officer typed: a pid is used as it is; an ID number is turned into its pid
// through the search, the number travelling in the request body (never in a URL).
import { ApiError, call } from "./api.js";

const ID_SHAPE = /^(\d{15}|\d{17}[\dXx])$/;

export async function pidOf(ref) {
  const text = String(ref || "").trim();
  if (!ID_SHAPE.test(text)) return text;
  const found = await call("/v1/persons/search", { method: "POST", body: { id_number: text } });
  if (found.items.length !== 1) throw new ApiError(404, "person_not_found", "");
  return found.items[0].person.pid;
}
