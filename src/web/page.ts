/**
 * A dashboard page: `GET /api/<project>/pages/<page>` with the address's parameters, its blocks
 * drawn in order (prose, inputs, components), then every component's query. An input's change
 * rewrites the address (history.replaceState), asks for the page view again (the inputs' resolved
 * values) and queries every component again, without reloading.
 *
 * `#app[data-state]` is the page's: `loading` until every component is `ready` or `error`, then
 * `ready`; `error` when the page view itself could not be read.
 */
import type { InputView, PageView } from '../dashboards/views.ts';
import { getJson } from './api.ts';
import type { ComponentBlock } from './components/card.ts';
import type { Component } from './components/component.ts';
import { createComponent, INPUTS } from './components/registry.ts';
import { el, replaceChildren } from './dom.ts';
import { inputParams, type RenderedInput, renderInput } from './inputs.ts';
import { type Layout, renderNav } from './nav.ts';
import { fetchFailure, loading, missingModelsNotice, problemsNotice } from './notices.ts';

/** The one-time token of `?token=` (the server answers it with a cookie): dropped from the address. */
const TOKEN = 'token';

export class Page {
  private readonly params: URLSearchParams;
  private components: Component[] = [];
  private inputSlots = new Map<string, RenderedInput>();
  private notices: HTMLElement | undefined;
  private blocksKey = '';
  private generation = 0;
  private fetching = false;
  private failed = false;

  constructor(
    private readonly app: HTMLElement,
    private readonly layout: Layout,
    private readonly project: string,
    private readonly page: string,
  ) {
    this.params = new URLSearchParams(location.search);
  }

  start(): void {
    replaceChildren(this.layout.main, loading());
    void this.load();
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.fetching = true;
    this.updateState();
    const search = this.params.size ? `?${this.params}` : '';
    const answer = await getJson<PageView>(
      `/api/${encodeURIComponent(this.project)}/pages/${encodeURIComponent(this.page)}${search}`,
    );
    if (generation !== this.generation) return;
    this.fetching = false;
    if (!answer.ok) {
      this.failed = true;
      this.dispose();
      replaceChildren(
        this.layout.main,
        fetchFailure(answer.error, () => this.retry()),
      );
      this.updateState();
      return;
    }
    this.failed = false;
    if (this.params.has(TOKEN)) {
      this.params.delete(TOKEN);
      this.writeAddress();
    }
    this.render(answer.value);
  }

  private retry(): void {
    this.blocksKey = '';
    this.start();
  }

  private render(view: PageView): void {
    renderNav(this.layout.nav, view.nav, { project: this.project, page: this.page });
    document.title = `${view.title} · ${view.projectTitle} · strata`;
    const key = JSON.stringify(view.blocks);
    if (key !== this.blocksKey) {
      this.build(view);
      this.blocksKey = key;
    }
    const inputs = new Map(view.inputs.map((input) => [input.name, input]));
    for (const [id, slot] of this.inputSlots) {
      const block = view.blocks.find((b): b is ComponentBlock => b.kind === 'component' && b.id === id);
      if (block && !slot.update(inputs.get(inputName(block))))
        slot.root.replaceWith(this.input(block, inputs));
    }
    this.notices?.replaceChildren(
      ...(view.missingModels.length ? [missingModelsNotice(view.missingModels)] : []),
      ...(view.problems.length ? [problemsNotice(view.problems)] : []),
    );
    if (view.missingModels.length) {
      for (const component of this.components) {
        component.hold({
          code: 'DASHBOARD_MODELS_MISSING',
          message: 'Not built yet.',
          hint: 'This component waits for the models named above: run `strata run`.',
        });
      }
    } else {
      const params = this.queryParams(view.inputs);
      for (const component of this.components) void component.load(params);
    }
    this.updateState();
  }

  /** The blocks, in order: prose full width, inputs in a bar, components in a grid of cards. */
  private build(view: PageView): void {
    this.dispose();
    const inputs = new Map(view.inputs.map((input) => [input.name, input]));
    this.notices = el('div', { class: 'notices' });
    const blocks = el('div', { class: 'blocks' });
    let group: HTMLElement | undefined;
    const groupOf = (kind: 'filters' | 'grid'): HTMLElement => {
      if (group?.classList.contains(kind)) return group;
      group = el('div', { class: kind });
      blocks.append(group);
      return group;
    };
    for (const block of view.blocks) {
      if (block.kind === 'html') {
        const prose = el('div', { class: 'prose' });
        prose.innerHTML = block.html; // Markdown rendered by the server, raw HTML disabled.
        blocks.append(prose);
        group = undefined;
      } else if (INPUTS.includes(block.component)) {
        groupOf('filters').append(this.input(block, inputs));
      } else {
        const component = createComponent({
          block,
          queryUrl: view.queries.find((query) => query.name === block.data)?.url,
          onState: () => this.updateState(),
        });
        if (!component) continue;
        this.components.push(component);
        groupOf('grid').append(component.root);
      }
    }
    replaceChildren(
      this.layout.main,
      el(
        'header',
        { class: 'page-head' },
        el('p', { class: 'page-project' }, view.projectTitle),
        el('h1', {}, view.title),
        view.description ? el('p', { class: 'page-description' }, view.description) : null,
      ),
      this.notices,
      blocks,
    );
  }

  private input(block: ComponentBlock, inputs: Map<string, InputView>): HTMLElement {
    const slot = renderInput(block, inputs.get(inputName(block)), (set) => this.change(set));
    this.inputSlots.set(block.id, slot);
    return slot.root;
  }

  /** An input changed: the address, then the page view and every query, with the new values. */
  private change(set: Record<string, string | null>): void {
    for (const [name, value] of Object.entries(set)) {
      if (value === null) this.params.delete(name);
      else this.params.set(name, value);
    }
    this.writeAddress();
    void this.load();
  }

  private writeAddress(): void {
    const search = this.params.size ? `?${this.params}` : '';
    history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  }

  /** The address's parameters, with every input's resolved value: what each query is sent. */
  private queryParams(inputs: InputView[]): URLSearchParams {
    const params = new URLSearchParams(this.params);
    for (const input of inputs) {
      for (const [name, value] of Object.entries(inputParams(input))) {
        if (value === null) params.delete(name);
        else params.set(name, value);
      }
    }
    return params;
  }

  private updateState(): void {
    const settled = this.components.every((component) => component.card.state !== 'loading');
    this.app.dataset.state = this.fetching
      ? 'loading'
      : this.failed
        ? 'error'
        : settled
          ? 'ready'
          : 'loading';
  }

  private dispose(): void {
    for (const component of this.components) {
      component.dispose();
      component.root.remove();
    }
    this.components = [];
    this.inputSlots.clear();
  }
}

function inputName(block: ComponentBlock): string {
  return typeof block.attributes.name === 'string' ? block.attributes.name : '';
}
