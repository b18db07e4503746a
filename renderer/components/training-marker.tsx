// A persistent, unmistakable marker that this is training: fake patients, a local Spine.
export function TrainingMarker() {
  return (
    <div className="app-training-marker" role="region" aria-label="Training mode">
      <strong>TRAINING</strong> — practice system with synthetic patients. Not for real patient care.
    </div>
  );
}
