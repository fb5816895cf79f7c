// Owns: the message list's windowing — only the rows in view (plus a margin) are rendered, so a
// 100,000-message folder costs the same as a 50-message one. Fixed row height; the container's
// scroll position and height decide the range.
import { useCallback, useEffect, useState } from 'react';

export interface WindowRange {
  start: number;
  end: number; // exclusive
  totalHeight: number;
  offset: number; // top of the first rendered row
}

export function windowRange(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = 8): WindowRange {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { start: first, end: Math.max(first, last), totalHeight: count * rowHeight, offset: first * rowHeight };
}

/** `el`: the scrolling element, as state (a callback ref): it may appear after the first render. */
export function useWindow(el: HTMLElement | null, count: number, rowHeight: number): WindowRange & { scrollToIndex: (i: number) => void } {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);

  useEffect(() => {
    if (!el) return;
    const onScroll = () => setScrollTop(el.scrollTop);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight || 800));
    el.addEventListener('scroll', onScroll, { passive: true });
    ro.observe(el);
    setViewport(el.clientHeight || 800);
    setScrollTop(el.scrollTop);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
    };
  }, [el]);

  const scrollToIndex = useCallback(
    (i: number) => {
      if (!el) return;
      const top = i * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
    },
    [el, rowHeight],
  );

  return { ...windowRange(count, rowHeight, scrollTop, viewport), scrollToIndex };
}
