'use strict'
// Fan-out: one event stream read as text deltas and as full events at once. Each branch has a
// bounded queue (`capacity` items): a slow branch slows the producer (nothing grows without
// bound), a cancelled branch is dropped and no longer holds the other back, and when every
// branch is cancelled the source is closed (the upstream request with it).

class Branch {
  constructor(pick) {
    this.pick = pick
    this.items = []
    this.open = true
    this.wake = null
  }
}

/**
 * `{textStream, fullStream}` over the async iterator `events`, each a pull-based web
 * ReadableStream; the source is read only as fast as the branches consume.
 */
function tee(events, capacity = 64) {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('tee capacity must be an integer >= 1')
  const branches = [new Branch((ev) => (ev.type === 'text-delta' ? ev.text : undefined)), new Branch((ev) => ev)]
  let ended = false
  let failure = null
  let pumping = false
  let spaceWake = null

  const wakeAll = () => {
    for (const b of branches) {
      b.wake?.()
      b.wake = null
    }
  }
  const hasSpace = () => branches.every((b) => !b.open || b.items.length < capacity)

  async function pump() {
    if (pumping) return
    pumping = true
    try {
      while (!ended && branches.some((b) => b.open)) {
        if (!hasSpace()) {
          await new Promise((r) => (spaceWake = r))
          continue
        }
        const r = await events.next()
        if (r.done) {
          ended = true
          break
        }
        for (const b of branches) {
          if (!b.open) continue
          const v = b.pick(r.value)
          if (v !== undefined) b.items.push(v)
        }
        wakeAll()
      }
    } catch (err) {
      failure = err
      ended = true
    } finally {
      pumping = false
      wakeAll()
    }
  }

  function stream(b) {
    return new ReadableStream(
      {
        async pull(controller) {
          for (;;) {
            if (b.items.length > 0) {
              controller.enqueue(b.items.shift())
              spaceWake?.()
              spaceWake = null
              return
            }
            if (failure) return controller.error(failure)
            if (ended) return controller.close()
            const waiting = new Promise((r) => (b.wake = r))
            pump()
            await waiting
          }
        },
        async cancel() {
          b.open = false
          b.items = []
          spaceWake?.()
          spaceWake = null
          if (branches.every((x) => !x.open)) await events.return?.()
        },
      },
      { highWaterMark: 0 },
    )
  }

  return { textStream: stream(branches[0]), fullStream: stream(branches[1]) }
}

module.exports = { tee }
