// Step 2: the reference photo, from the webcam, checked for one face by the API.
import { api } from "../api.js";
import { h, clear, announce, errorArea, statusLine } from "../ui.js";

const MAX_WIDTH = 640; // pixels: plenty for a face, and a small upload

export function photoStep(stage, options) {
  const step = new PhotoStep(stage, options);
  step.startCamera();
  return () => step.stopCamera();
}

class PhotoStep {
  constructor(stage, { sessionId, token, ctx, next }) {
    Object.assign(this, { stage, sessionId, token, ctx, next });
    this.stream = null;
    this.errors = errorArea("photo-error");
    this.status = statusLine("photo-status");
    this.video = h("video#camera-preview", { autoplay: true, muted: true, playsinline: true, "aria-label": "Camera preview" });
    this.canvas = h("canvas", { hidden: true });
    this.startCam = h("button#start-camera", { type: "button", onclick: () => this.startCamera(), hidden: true }, "Start camera");
    this.capture = h("button.primary#capture-photo", { type: "button", onclick: () => this.capturePhoto(), disabled: true }, "Capture photo");
    this.skip = h("button#skip-photo", { type: "button", hidden: true, onclick: () => { this.stopCamera(); next("skipped"); } }, "Continue without a photo");
    clear(stage, h("section.card", { "aria-labelledby": "photo-h" },
      h("h2#photo-h", "Step 2 of 3: Reference photo"),
      h("p", "Face the camera in good light, with only your face in view, then capture a photo. It is used only to check that the same person takes the interview."),
      h("div.camera", this.video, this.canvas),
      this.status, this.errors,
      h("div.actions", this.startCam, this.capture, this.skip),
    ));
    this.video.muted = true;
  }

  async startCamera() {
    this.errors.clear();
    this.startCam.hidden = true;
    if (!navigator.mediaDevices?.getUserMedia) {
      this.cameraFailed("This browser cannot use a camera here (a secure https page is needed).");
      return;
    }
    this.status.set("Starting the camera…");
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: MAX_WIDTH }, height: { ideal: 480 }, facingMode: "user" }, audio: false });
      if (this.ctx.signal.aborted || !this.stage.contains(this.video)) return this.stopCamera();
      this.video.srcObject = this.stream;
      await this.video.play().catch(() => {});
      this.capture.disabled = false;
      this.status.set("Camera on. Press Capture photo when you are ready.");
    } catch (err) {
      this.cameraFailed(`Camera unavailable: ${err.message || err.name}.`);
    }
  }

  cameraFailed(message) {
    this.status.set("");
    this.errors.show(`${message} Allow camera access and press Start camera, or continue without a photo.`);
    this.startCam.hidden = false;
    this.skip.hidden = false;
    this.capture.disabled = true;
  }

  stopCamera() {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
  }

  /** The camera's current frame as a JPEG (at most MAX_WIDTH wide), or null. */
  async snapshot() {
    const { video, canvas } = this;
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.88));
  }

  async capturePhoto() {
    this.errors.clear();
    if (!this.stream || !this.video.videoWidth) {
      this.errors.show("The camera is not ready yet. Wait a moment and try again.");
      return;
    }
    const blob = await this.snapshot();
    if (!blob) {
      this.errors.show("Could not take the photo. Try again.");
      return;
    }
    this.capture.disabled = true;
    this.status.set("Checking the photo…");
    const form = new FormData();
    form.append("session_id", this.sessionId);
    form.append("image", blob, "reference.jpg");
    try {
      const { data } = await api("/capture_reference_face", { form, token: this.token, signal: this.ctx.signal });
      this.stopCamera();
      this.status.set(data.message || "Reference face captured");
      announce(data.message || "Reference face captured");
      this.next("captured");
    } catch (err) {
      if (err.name === "AbortError") return;
      this.status.set(err.status === 422 ? "Adjust your position and press Capture photo again." : "");
      this.errors.show(err);
      this.capture.disabled = false;
      this.skip.hidden = false;
    }
  }
}
