/**
 * Small integers for message type names, so that what is looked up per
 * frame (the state machine's tables, the frame path's answers) can be an
 * array index rather than a property named by a string. An id is given on
 * first sight and never changes; ids are dense from 0.
 */
const ids = new Map<string, number>();
const names: string[] = [];

/** The id of message type `name` ('Bind', 'DataRow', ...). */
export function typeId(name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    id = names.length;
    names.push(name);
    ids.set(name, id);
  }
  return id;
}

/** The message type name of `id`. */
export function typeName(id: number): string {
  return names[id]!;
}
