// The sidebar list of processes with their Persian names; filtering by name or id.

export default class ProcessList {
  constructor(list, filter, onOpen) {
    this.list = list;
    this.onOpen = onOpen;
    this.processes = [];
    this.openId = null;
    filter.addEventListener('input', () => this.render(filter.value.trim()));
  }

  show(processes) {
    this.processes = processes;
    this.render('');
  }

  markOpen(id) {
    this.openId = id;
    for (const item of this.list.children) {
      item.classList.toggle('open', item.dataset.processId === id);
      if (item.dataset.processId === id) item.scrollIntoView({ block: 'nearest' });
    }
  }

  render(query) {
    this.list.replaceChildren(...this.processes
      .filter((process) => !query || process.name.includes(query) || process.id.includes(query))
      .map((process) => {
        const item = document.createElement('li');
        item.dataset.processId = process.id;
        item.classList.toggle('open', process.id === this.openId);
        item.textContent = process.name;
        const id = document.createElement('small');
        id.textContent = process.id;
        item.append(id);
        item.addEventListener('click', () => this.onOpen(process.id));
        return item;
      }));
  }
}
