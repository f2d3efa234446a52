// Photos are made small on the phone before they wait in the outbox: at most 1600 px
// on the longer side, as JPEG, so one bar of signal can carry them.

const LONGEST = 1600;
const QUALITY = 0.8;

/** The picture from the camera (a File), resized and re-encoded as a JPEG Blob. */
export async function shrink(file, longest = LONGEST) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, longest / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close?.();
  return new Promise((done, fail) =>
    canvas.toBlob((blob) => (blob ? done(blob) : fail(new Error("photo"))), "image/jpeg", QUALITY),
  );
}
