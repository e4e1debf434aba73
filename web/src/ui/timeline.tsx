import type { Role, TimelineEntry } from '../firebase.js';
import { entryWords } from '../model/timeline-words.js';
import { timeWords } from '../model/words.js';

/**
 * A case's timeline, oldest first. Internal entries (engineer notes, routing, the partner's ladder)
 * reach only engineers, and are set apart: marked in words and by their frame, never by colour alone.
 */
export function Timeline(props: { entries: readonly TimelineEntry[]; viewer: Role | null; now: Date }) {
  if (!props.entries.length) return <p>Nothing has happened on this case yet.</p>;
  return (
    <ol class="timeline">
      {props.entries.map((entry) => {
        const words = entryWords(entry, props.viewer);
        return (
          <li key={entry.id} class={entry.internal ? 'timeline__entry timeline__entry--internal' : 'timeline__entry'} id={`entry-${entry.id}`}>
            <p class="timeline__head">
              {entry.internal && <span class="tag tag--internal">Internal</span>}
              <span class="timeline__title">{words.title}</span>
              <time class="timeline__time" dateTime={entry.at}>
                {timeWords(entry.at, props.now)}
              </time>
            </p>
            {words.message && <p class="timeline__message">{words.message}</p>}
            {words.details.map((detail) => (
              <p key={detail} class="timeline__detail">
                {detail}
              </p>
            ))}
          </li>
        );
      })}
    </ol>
  );
}
