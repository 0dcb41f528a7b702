/**
 * Hash routes (#/cases, #/cases/ID ...): the app is served from one file by the app://
 * protocol, and the hash keeps every screen addressable, bookmark-free and history-aware
 * (Back works) without a router library.
 */
import { useSyncExternalStore } from 'react';
import { isStepId, type StepId } from './forms/flow';

export type Route =
  | { name: 'cases' }
  | { name: 'new-case' }
  | { name: 'case'; caseId: string }
  | { name: 'case-step'; caseId: string; step: StepId }
  | { name: 'export'; caseIds: string[] }
  | { name: 'import' }
  | { name: 'keys' }
  | { name: 'audit' }
  | { name: 'reports' }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

const ID = /^[0-9a-f-]{36}$/;

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', query = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { name: 'cases' };
  if (a === 'cases') {
    if (parts.length === 1) return { name: 'cases' };
    if (b === 'new' && parts.length === 2) return { name: 'new-case' };
    if (b && ID.test(b)) {
      if (parts.length === 2) return { name: 'case', caseId: b };
      if (c === 'step' && d && isStepId(d) && parts.length === 4) return { name: 'case-step', caseId: b, step: d };
    }
  }
  if (parts.length === 1) {
    switch (a) {
      case 'export':
        return { name: 'export', caseIds: params.getAll('case').filter((id) => ID.test(id)) };
      case 'import':
      case 'keys':
      case 'audit':
      case 'reports':
      case 'settings':
        return { name: a };
    }
  }
  return { name: 'not-found', path: pathPart };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'cases':
      return '#/cases';
    case 'new-case':
      return '#/cases/new';
    case 'case':
      return `#/cases/${route.caseId}`;
    case 'case-step':
      return `#/cases/${route.caseId}/step/${route.step}`;
    case 'export':
      return route.caseIds.length > 0 ? `#/export?${route.caseIds.map((id) => `case=${id}`).join('&')}` : '#/export';
    case 'not-found':
      return '#/cases';
    default:
      return `#/${route.name}`;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

export function navigate(route: Route): void {
  const href = routeHref(route);
  if (window.location.hash !== href) window.location.hash = href;
}
