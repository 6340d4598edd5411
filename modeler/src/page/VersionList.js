// The saved versions of the open process: who saved each, when, and which one
// the engine runs. Clicking one shows it in the canvas.
import { persianDateTime, persianNumber } from './format.js';

export default class VersionList {
  constructor(list, onView) {
    this.list = list;
    this.onView = onView;
  }

  show(versions, viewing) {
    this.list.replaceChildren(...versions.map((version) => {
      const item = document.createElement('li');
      item.dataset.version = String(version.version);
      item.classList.toggle('open', version.version === viewing);
      const deployed = version.deployedAt ? ` · مستقر (نسخه موتور ${persianNumber(version.engineVersion)})` : '';
      item.textContent = `نسخه ${persianNumber(version.version)}${deployed}`;
      const meta = document.createElement('small');
      meta.textContent = `${version.author} · ${persianDateTime(version.savedAt)}${version.comment ? ` · ${version.comment}` : ''}`;
      item.append(meta);
      item.addEventListener('click', () => this.onView(version.version));
      return item;
    }));
  }
}
