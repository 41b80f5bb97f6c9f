// Colour of the lit field. The fundus returns mostly red light and very little blue (melanin and
// blood absorb it), so a colour fundus photo is red-orange-yellow; skin, sclera, rooms and rulers are not.
export function blueToRed(data: Uint8Array, area: Uint8Array): number {
  let r = 0;
  let b = 0;
  for (let i = 0, j = 0; i < area.length; i++, j += 3) {
    if (!area[i]) continue;
    r += data[j]!;
    b += data[j + 2]!;
  }
  return r > 0 ? b / r : 1;
}
