// The saved versions of the open process: who saved each, when, and which one
// the engine runs. Clicking one shows it in the canvas; a deployed one offers
// to move the requests still running on the version before it.
import { persianDateTime, persianNumber } from './format.js';

export default class VersionList {
  constructor(list, onView, onMigrate) {
    this.list = list;
    this.onView = onView;
    this.onMigrate = onMigrate;
    /** Analysts only: moving requests changes them. */
    this.canMigrate = false;
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
      if (version.deployedAt && this.canMigrate) {
        const migrate = document.createElement('button');
        migrate.type = 'button';
        migrate.className = 'link';
        migrate.textContent = 'انتقال درخواست‌های در جریان';
        migrate.addEventListener('click', (event) => { event.stopPropagation(); this.onMigrate(version.version); });
        item.append(migrate);
      }
      item.addEventListener('click', () => this.onView(version.version));
      return item;
    }));
  }
}
