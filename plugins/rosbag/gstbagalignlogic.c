/* gst-rosbag
 * Copyright (C) 2026 The gst-rosbag authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

/* How sets are decided (see gstbagalignlogic.h for the data model).
 *
 * Reference and rate modes fix the set's time T first (the reference pad's
 * oldest entry, or the next tick) and then decide every pad on its own:
 * - nearest: the entry closest to T (ties: the earlier one) if it is within
 *   the pad's tolerance. Decided once an entry after T exists, or once the
 *   pad's horizon proves that no future entry can be closer, or at EOS.
 * - previous: the latest entry at or before T if it is not older than the
 *   tolerance. Decided once anything after T is known.
 * After a set at T, entries before the pad's best candidate for T can never
 * win for a later set and are removed; the candidate stays (it can serve the
 * next set too, sample-and-hold) unless it is already out of tolerance.
 *
 * Exact mode: T is the earliest queued time; a pad is a member if its oldest
 * entry is at T, missing once it has a later entry (or horizon/EOS says so).
 *
 * Approximate mode replays ROS message_filters' ApproximateTime search over
 * the queues from scratch on every call (the queues are short): pivot,
 * candidate, moves to "past", and the virtual search that proves a candidate
 * optimal while some queue is empty. The inter-message lower bound of ROS is
 * replaced by what the stream itself tells: a pad's horizon (its latest time,
 * or the end of a GAP) bounds its next message, and EOS makes it infinite.
 * Replaying is equivalent to ROS' incremental state machine, because every
 * step depends only on queue heads, which new data (appended at the tails)
 * does not change. */

#include <string.h>

#include "gstbagalignlogic.h"

#define ENTRY(p,i) (&g_array_index ((p)->entries, BagAlignEntry, (i)))

typedef enum
{
  PAD_UNDECIDED,
  PAD_MEMBER,
  PAD_MISSING,
} PadDecision;

static void
bag_align_logic_resize_set (BagAlignLogic * logic)
{
  guint n = logic->pads->len;

  logic->set.n_pads = n;
  logic->set.member = g_renew (gint, logic->set.member, MAX (n, 1));
  logic->set.pop = g_renew (guint, logic->set.pop, MAX (n, 1));
  logic->set.needed = g_renew (gboolean, logic->set.needed, MAX (n, 1));
}

BagAlignLogic *
bag_align_logic_new (void)
{
  BagAlignLogic *logic = g_new0 (BagAlignLogic, 1);

  logic->mode = BAG_ALIGN_MODE_REFERENCE;
  logic->reference = 0;
  logic->drop_incomplete = TRUE;
  logic->rate_n = 0;
  logic->rate_d = 1;
  logic->max_interval = BAG_ALIGN_UNLIMITED;
  logic->age_penalty = 0.0;
  logic->pads = g_ptr_array_new ();
  bag_align_logic_resize_set (logic);

  return logic;
}

static void
pad_clear (BagAlignPad * p, guint index, BagAlignReleaseFunc release,
    gpointer user_data)
{
  guint i;

  for (i = 0; i < p->entries->len; i++) {
    if (release)
      release (index, ENTRY (p, i)->data, ENTRY (p, i)->used, user_data);
  }
  g_array_set_size (p->entries, 0);
}

void
bag_align_logic_free (BagAlignLogic * logic, BagAlignReleaseFunc release,
    gpointer user_data)
{
  if (!logic)
    return;

  while (logic->pads->len > 0)
    bag_align_logic_remove_pad (logic, logic->pads->len - 1, release,
        user_data);
  g_ptr_array_unref (logic->pads);
  g_free (logic->set.member);
  g_free (logic->set.pop);
  g_free (logic->set.needed);
  g_free (logic);
}

guint
bag_align_logic_add_pad (BagAlignLogic * logic)
{
  BagAlignPad *p = g_new0 (BagAlignPad, 1);

  p->tolerance = 20 * G_GINT64_CONSTANT (1000000);
  p->policy = BAG_ALIGN_POLICY_NEAREST;
  p->required = TRUE;
  p->entries = g_array_new (FALSE, FALSE, sizeof (BagAlignEntry));
  p->horizon = BAG_ALIGN_TIME_NONE;
  p->last_time = BAG_ALIGN_TIME_NONE;
  g_ptr_array_add (logic->pads, p);
  bag_align_logic_resize_set (logic);

  return logic->pads->len - 1;
}

void
bag_align_logic_insert_pad (BagAlignLogic * logic, guint position)
{
  guint last = bag_align_logic_add_pad (logic);
  gpointer p;

  if (position >= last)
    return;
  p = g_ptr_array_steal_index (logic->pads, last);
  g_ptr_array_insert (logic->pads, position, p);
}

void
bag_align_logic_remove_pad (BagAlignLogic * logic, guint pad,
    BagAlignReleaseFunc release, gpointer user_data)
{
  BagAlignPad *p;

  g_return_if_fail (pad < logic->pads->len);

  p = g_ptr_array_index (logic->pads, pad);
  pad_clear (p, pad, release, user_data);
  g_array_unref (p->entries);
  g_free (p);
  g_ptr_array_remove_index (logic->pads, pad);
  bag_align_logic_resize_set (logic);
}

BagAlignPad *
bag_align_logic_get_pad (BagAlignLogic * logic, guint pad)
{
  g_return_val_if_fail (pad < logic->pads->len, NULL);
  return g_ptr_array_index (logic->pads, pad);
}

guint
bag_align_logic_n_pads (BagAlignLogic * logic)
{
  return logic->pads->len;
}

gboolean
bag_align_logic_push (BagAlignLogic * logic, guint pad, gint64 time,
    gpointer data)
{
  BagAlignPad *p;
  BagAlignEntry e;

  g_return_val_if_fail (pad < logic->pads->len, FALSE);
  g_return_val_if_fail (time != BAG_ALIGN_TIME_NONE, FALSE);

  p = g_ptr_array_index (logic->pads, pad);
  if (p->last_time != BAG_ALIGN_TIME_NONE && time < p->last_time)
    return FALSE;

  e.time = time;
  e.data = data;
  e.used = FALSE;
  g_array_append_val (p->entries, e);
  p->last_time = time;
  if (p->horizon == BAG_ALIGN_TIME_NONE || time > p->horizon)
    p->horizon = time;

  return TRUE;
}

void
bag_align_logic_advance (BagAlignLogic * logic, guint pad, gint64 until)
{
  BagAlignPad *p;

  g_return_if_fail (pad < logic->pads->len);

  p = g_ptr_array_index (logic->pads, pad);
  if (until == BAG_ALIGN_TIME_NONE)
    return;
  if (p->horizon == BAG_ALIGN_TIME_NONE || until > p->horizon)
    p->horizon = until;
}

void
bag_align_logic_set_eos (BagAlignLogic * logic, guint pad)
{
  BagAlignPad *p;

  g_return_if_fail (pad < logic->pads->len);

  p = g_ptr_array_index (logic->pads, pad);
  p->eos = TRUE;
}

void
bag_align_logic_flush (BagAlignLogic * logic, guint pad, gboolean start,
    BagAlignReleaseFunc release, gpointer user_data)
{
  BagAlignPad *p;

  g_return_if_fail (pad < logic->pads->len);

  p = g_ptr_array_index (logic->pads, pad);
  if (start) {
    pad_clear (p, pad, release, user_data);
    p->horizon = BAG_ALIGN_TIME_NONE;
    p->last_time = BAG_ALIGN_TIME_NONE;
    p->eos = FALSE;
    p->flushing = TRUE;
    /* running time restarts after a flush */
    logic->tick = 0;
  } else {
    p->flushing = FALSE;
  }
}

void
bag_align_logic_release_all (BagAlignLogic * logic,
    BagAlignReleaseFunc release, gpointer user_data)
{
  guint i;

  for (i = 0; i < logic->pads->len; i++)
    pad_clear (g_ptr_array_index (logic->pads, i), i, release, user_data);
}

gint64
bag_align_logic_tick_time (BagAlignLogic * logic, guint64 k)
{
  guint64 n = logic->rate_n, d = logic->rate_d;
  guint64 q, r;

  if (n == 0 || d == 0)
    return 0;

  /* k * 1e9 * d / n without overflowing for any sane k and d */
  q = k / n;
  r = k % n;
  return (gint64) (q * G_GUINT64_CONSTANT (1000000000) * d +
      (r * G_GUINT64_CONSTANT (1000000000) * d) / n);
}

/* distance a - b, saturating */
static inline gint64
dist (gint64 a, gint64 b)
{
  if (a >= b) {
    if (b < 0 && a > G_MAXINT64 + b)
      return G_MAXINT64;
    return a - b;
  }
  return dist (b, a);
}

/* Decide one pad for a set at time t (reference and rate modes).
 * On PAD_MEMBER, *member is the entry index. *keep is the first entry that
 * may still serve a set at a time >= t (everything before it is useless). */
static PadDecision
decide_pad (BagAlignPad * p, gint64 t, gint * member, guint * keep)
{
  guint n = p->entries->len, i;
  gint a = -1, b = -1, best;
  gint64 da, db, tol = p->tolerance;

  *member = -1;
  *keep = 0;

  if (p->flushing)
    return PAD_UNDECIDED;

  for (i = 0; i < n; i++) {
    if (ENTRY (p, i)->time <= t) {
      a = i;
    } else {
      b = i;
      break;
    }
  }
  da = a >= 0 ? dist (t, ENTRY (p, a)->time) : G_MAXINT64;
  db = b >= 0 ? dist (ENTRY (p, b)->time, t) : G_MAXINT64;

  if (p->policy == BAG_ALIGN_POLICY_PREVIOUS) {
    gboolean decided = b >= 0 || (a >= 0 && da == 0) || p->eos ||
        (p->horizon != BAG_ALIGN_TIME_NONE && p->horizon > t);

    if (!decided)
      return PAD_UNDECIDED;
    if (a >= 0) {
      /* the pad's latest at or before t stays for later sets, unless it
       * is already too old */
      *keep = da <= tol ? (guint) a : (guint) a + 1;
      if (da <= tol) {
        *member = a;
        return PAD_MEMBER;
      }
    }
    return PAD_MISSING;
  }

  /* nearest */
  if (b >= 0 || p->eos || (a >= 0 && da == 0)) {
    if (a >= 0 && da <= db)
      best = a;
    else
      best = b;
  } else {
    /* nothing after t yet: every future entry is at or after the horizon */
    gint64 dfut;

    if (p->horizon == BAG_ALIGN_TIME_NONE)
      return PAD_UNDECIDED;
    dfut = p->horizon > t ? dist (p->horizon, t) : 0;
    if (a >= 0 && da <= tol) {
      if (dfut < da)
        return PAD_UNDECIDED;
    } else if (dfut <= tol) {
      return PAD_UNDECIDED;
    }
    best = a;
  }

  if (best < 0) {
    *keep = 0;
    return PAD_MISSING;
  }
  if (best == a) {
    *keep = da <= tol ? (guint) a : (guint) a + 1;
    if (da <= tol) {
      *member = a;
      return PAD_MEMBER;
    }
    return PAD_MISSING;
  }
  /* best == b: b beats a for any later set as well */
  *keep = b;
  if (db <= tol) {
    *member = b;
    return PAD_MEMBER;
  }
  return PAD_MISSING;
}

static void
set_reset (BagAlignLogic * logic)
{
  BagAlignSet *s = &logic->set;
  guint i;

  s->time = BAG_ALIGN_TIME_NONE;
  s->emit = FALSE;
  s->n_members = 0;
  for (i = 0; i < s->n_pads; i++) {
    s->member[i] = -1;
    s->pop[i] = 0;
    s->needed[i] = FALSE;
  }
}

/* A required pad that ended and holds nothing more makes every later set
 * incomplete: with drop-incomplete, no set can form again. */
static gboolean
required_pad_exhausted (BagAlignLogic * logic)
{
  guint i;

  if (!logic->drop_incomplete)
    return FALSE;
  for (i = 0; i < logic->pads->len; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (p->required && p->eos && !p->flushing && p->entries->len == 0)
      return TRUE;
  }
  return FALSE;
}

/* Finish a set whose per-pad decisions are in s->member: decide emit */
static BagAlignResult
finish_set (BagAlignLogic * logic, gint64 t)
{
  BagAlignSet *s = &logic->set;
  guint i;

  s->time = t;
  s->emit = TRUE;
  s->n_members = 0;
  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (s->member[i] >= 0)
      s->n_members++;
    else if (logic->drop_incomplete && p->required)
      s->emit = FALSE;
  }
  if (s->n_members == 0)
    s->emit = FALSE;

  return BAG_ALIGN_SET;
}

/* decide every pad but skip at time t; TRUE when all are decided */
static gboolean
decide_pads_at (BagAlignLogic * logic, gint64 t, gint skip)
{
  BagAlignSet *s = &logic->set;
  gboolean all = TRUE;
  guint i;

  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if ((gint) i == skip)
      continue;
    if (decide_pad (p, t, &s->member[i], &s->pop[i]) == PAD_UNDECIDED) {
      s->needed[i] = TRUE;
      all = FALSE;
    }
  }
  return all;
}

/* Makes @s a discard-only set that lets pad i's first @pop[i] entries go
 * (no member, nothing emitted): TRUE when anything goes */
static gboolean
discard_only (BagAlignSet * s, const guint * pop)
{
  gboolean any = FALSE;
  guint i;

  for (i = 0; i < s->n_pads; i++) {
    s->member[i] = -1;
    s->pop[i] = pop[i];
    if (pop[i] > 0)
      any = TRUE;
  }
  if (any) {
    s->time = BAG_ALIGN_TIME_NONE;
    s->emit = FALSE;
    s->n_members = 0;
  }
  return any;
}

/* Between sets (reference and rate modes): entries that cannot serve any
 * set at a time >= t (the next set's time, or a lower bound of it) need not
 * wait for that set: everything before a pad's latest entry at or before t
 * is dominated by it, and that entry too once it is out of tolerance. Fills
 * a discard-only set (no members) and returns TRUE when there is any. This
 * is what keeps a fast pad's queue at about tolerance plus one buffer while
 * a slow pad is awaited. */
static gboolean
prune_before (BagAlignLogic * logic, gint64 t, gint skip)
{
  BagAlignSet *s = &logic->set;
  guint *drop = g_newa (guint, s->n_pads);
  guint i, k;

  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);
    gint a = -1;

    drop[i] = 0;
    if ((gint) i == skip || p->flushing)
      continue;
    for (k = 0; k < p->entries->len && ENTRY (p, k)->time <= t; k++)
      a = k;
    if (a < 0)
      continue;
    drop[i] = dist (t, ENTRY (p, a)->time) > p->tolerance ? a + 1 : a;
  }
  return discard_only (s, drop);
}

static BagAlignResult
decide_reference (BagAlignLogic * logic)
{
  BagAlignSet *s = &logic->set;
  guint r = logic->reference < s->n_pads ? logic->reference : 0;
  BagAlignPad *ref = g_ptr_array_index (logic->pads, r);
  gint64 t;

  if (!ref->flushing && ref->entries->len == 0 && ref->eos)
    return BAG_ALIGN_DONE;
  if (required_pad_exhausted (logic))
    return BAG_ALIGN_DONE;

  if (ref->flushing || ref->entries->len == 0) {
    guint i;

    /* the next set is at or after the reference's horizon: pads that could
     * not decide even there must keep their data coming */
    s->needed[r] = TRUE;
    for (i = 0; i < s->n_pads; i++) {
      BagAlignPad *p = g_ptr_array_index (logic->pads, i);
      gint m;
      guint k;

      if (i == r)
        continue;
      if (ref->flushing || ref->horizon == BAG_ALIGN_TIME_NONE)
        s->needed[i] = p->flushing || (p->entries->len == 0 && !p->eos);
      else
        s->needed[i] = decide_pad (p, ref->horizon, &m, &k) == PAD_UNDECIDED;
    }
    if (!ref->flushing && ref->horizon != BAG_ALIGN_TIME_NONE &&
        prune_before (logic, ref->horizon, r))
      return BAG_ALIGN_SET;
    return BAG_ALIGN_NEED_DATA;
  }

  t = ENTRY (ref, 0)->time;
  if (!decide_pads_at (logic, t, r)) {
    if (prune_before (logic, t, r))
      return BAG_ALIGN_SET;
    return BAG_ALIGN_NEED_DATA;
  }

  s->member[r] = 0;
  s->pop[r] = 1;
  return finish_set (logic, t);
}

static BagAlignResult
decide_rate (BagAlignLogic * logic)
{
  BagAlignSet *s = &logic->set;
  gint64 t = bag_align_logic_tick_time (logic, logic->tick);
  gboolean all_ended = TRUE;
  guint i;

  if (required_pad_exhausted (logic))
    return BAG_ALIGN_DONE;

  /* done once every pad ended and no tick can reach any entry again */
  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);
    gint64 reach;

    if (!p->eos || p->flushing) {
      all_ended = FALSE;
      break;
    }
    if (p->entries->len == 0)
      continue;
    reach = ENTRY (p, p->entries->len - 1)->time;
    /* (with an unlimited tolerance the ticks end at the last entry: they
     * would repeat it forever) */
    if (p->policy == BAG_ALIGN_POLICY_NEAREST &&
        p->tolerance != BAG_ALIGN_UNLIMITED) {
      if (reach > G_MAXINT64 - p->tolerance)
        reach = G_MAXINT64;
      else
        reach += p->tolerance;
    }
    if (t <= reach) {
      all_ended = FALSE;
      break;
    }
  }
  if (all_ended)
    return BAG_ALIGN_DONE;

  if (!decide_pads_at (logic, t, -1)) {
    if (prune_before (logic, t, -1))
      return BAG_ALIGN_SET;
    return BAG_ALIGN_NEED_DATA;
  }

  return finish_set (logic, t);
}

static BagAlignResult
decide_exact (BagAlignLogic * logic)
{
  BagAlignSet *s = &logic->set;
  gint64 t = BAG_ALIGN_TIME_NONE;
  gboolean all_ended = TRUE, undecided = FALSE;
  guint i;

  if (required_pad_exhausted (logic))
    return BAG_ALIGN_DONE;

  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (p->flushing || !p->eos || p->entries->len > 0)
      all_ended = FALSE;
    if (!p->flushing && p->entries->len > 0 &&
        (t == BAG_ALIGN_TIME_NONE || ENTRY (p, 0)->time < t))
      t = ENTRY (p, 0)->time;
  }
  if (all_ended)
    return BAG_ALIGN_DONE;

  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (p->flushing) {
      s->needed[i] = TRUE;
      undecided = TRUE;
    } else if (p->entries->len > 0) {
      if (ENTRY (p, 0)->time == t) {
        s->member[i] = 0;
        s->pop[i] = 1;
      }
    } else if (!p->eos && (t == BAG_ALIGN_TIME_NONE ||
            p->horizon == BAG_ALIGN_TIME_NONE || p->horizon <= t)) {
      s->needed[i] = TRUE;
      undecided = TRUE;
    }
  }
  if (undecided || t == BAG_ALIGN_TIME_NONE)
    return BAG_ALIGN_NEED_DATA;

  return finish_set (logic, t);
}

/* ApproximateTime */

static inline gdouble
penalized (BagAlignLogic * logic, gint64 end, gint64 cand_end)
{
  return ((gdouble) end - (gdouble) cand_end) * (1.0 + logic->age_penalty);
}

/* start (earliest, first index on ties) and end (latest, last index on
 * ties) over the pads' times at pos; virtual: exhausted pads count at
 * their lower bound */
static void
approx_bounds (BagAlignLogic * logic, const guint * pos, gboolean virtual,
    gint64 pivot_time, guint * start_i, gint64 * start_t, guint * end_i,
    gint64 * end_t)
{
  guint i;

  *start_i = *end_i = 0;
  *start_t = BAG_ALIGN_TIME_INF;
  *end_t = BAG_ALIGN_TIME_NONE;
  for (i = 0; i < logic->pads->len; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);
    gint64 t;

    if (pos[i] < p->entries->len) {
      t = ENTRY (p, pos[i])->time;
    } else {
      g_assert (virtual);
      if (p->eos)
        t = BAG_ALIGN_TIME_INF;
      else
        t = MAX (p->horizon, pivot_time);
    }
    if (i == 0 || t < *start_t) {
      *start_t = t;
      *start_i = i;
    }
    if (i == 0 || t >= *end_t) {
      *end_t = t;
      *end_i = i;
    }
  }
}

/* While some pad has no entry, the next set cannot be searched for yet,
 * but a prefix of the search is already forced: every empty pad's next
 * entry is at or after its horizon, so until the earliest known head
 * reaches the earliest of those horizons (F) the search can only advance
 * known heads, the pivot is a pad whose head is at or after F, the end of
 * every set visited is the pivot's time and none of ROS' stopping rules
 * can apply (the pivot is not moved, the spread does not grow, no queue
 * runs empty). Within that prefix the candidate only changes to a vector
 * with a later start; the published candidate is therefore at or after the
 * last one of the prefix on every pad, and the entries before it can go
 * now. This is what keeps a fast pad short while a slow one is awaited,
 * with exactly the sets a search over everything would give. Fills a
 * discard-only set and returns TRUE when anything can go. */
static gboolean
approx_prune (BagAlignLogic * logic)
{
  BagAlignSet *s = &logic->set;
  guint n = s->n_pads, i;
  guint *pos, *cand;
  gint64 f = BAG_ALIGN_TIME_INF, cand_start;
  gboolean any_empty = FALSE;

  for (i = 0; i < n; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (p->flushing)
      return FALSE;
    if (p->entries->len == 0) {
      if (p->eos || p->horizon == BAG_ALIGN_TIME_NONE)
        return FALSE;
      any_empty = TRUE;
      f = MIN (f, p->horizon);
    }
  }
  if (!any_empty)
    return FALSE;

  if (logic->max_interval != BAG_ALIGN_UNLIMITED) {
    /* every pad's member of the next set is at or after its head (an
     * empty pad's: its horizon), so the set ends at or after the latest of
     * those, and a set never spreads wider than max-interval (the first
     * vector is dropped if it does, a candidate is never wider than it):
     * entries before that end minus max-interval are no member of it, nor
     * of any later set */
    gint64 end = BAG_ALIGN_TIME_NONE, limit;
    guint *drop = g_newa (guint, n);

    for (i = 0; i < n; i++) {
      BagAlignPad *p = g_ptr_array_index (logic->pads, i);

      end = MAX (end, p->entries->len > 0 ? ENTRY (p, 0)->time : p->horizon);
    }
    limit = end > G_MININT64 + logic->max_interval ?
        end - logic->max_interval : G_MININT64;
    for (i = 0; i < n; i++) {
      BagAlignPad *p = g_ptr_array_index (logic->pads, i);
      guint k = 0;

      while (k < p->entries->len && ENTRY (p, k)->time < limit)
        k++;
      drop[i] = k;
    }
    if (discard_only (s, drop))
      return TRUE;
  }

  pos = g_newa (guint, n);
  cand = g_newa (guint, n);
  memset (pos, 0, n * sizeof (guint));
  memset (cand, 0, n * sizeof (guint));
  cand_start = BAG_ALIGN_TIME_NONE;

  for (;;) {
    gint si = -1;
    gint64 st = BAG_ALIGN_TIME_INF;
    BagAlignPad *sp;

    /* the earliest known head, first pad on ties (as approx_bounds) */
    for (i = 0; i < n; i++) {
      BagAlignPad *p = g_ptr_array_index (logic->pads, i);

      if (p->entries->len > 0 && ENTRY (p, pos[i])->time < st) {
        st = ENTRY (p, pos[i])->time;
        si = i;
      }
    }
    if (si < 0 || st >= f)
      break;
    if (cand_start == BAG_ALIGN_TIME_NONE)
      cand_start = st;
    sp = g_ptr_array_index (logic->pads, si);
    /* stop before the move that could empty a queue or reach F */
    if (pos[si] + 1 >= sp->entries->len || ENTRY (sp, pos[si] + 1)->time >= f)
      break;
    pos[si]++;
    st = BAG_ALIGN_TIME_INF;
    for (i = 0; i < n; i++) {
      BagAlignPad *p = g_ptr_array_index (logic->pads, i);

      if (p->entries->len > 0)
        st = MIN (st, ENTRY (p, pos[i])->time);
    }
    if (st > cand_start) {
      memcpy (cand, pos, n * sizeof (guint));
      cand_start = st;
    }
  }

  return discard_only (s, cand);
}

/* The search waits for a queue it ran through: whatever comes next, the
 * search will go the same way up to there (it depends on the heads
 * only), so the published candidate is at or after the current one on
 * every pad and the entries before it can go now. The search from the
 * candidate as first vector is the same search, as long as the pivot
 * stays the pivot (no other head reached it, ties going to the last
 * pad); otherwise nothing goes. Fills a discard-only set, TRUE when
 * anything can go. */
static gboolean
approx_drop_before (BagAlignLogic * logic, const guint * cand, gint pivot)
{
  BagAlignSet *s = &logic->set;
  guint start_i, end_i;
  gint64 start_t, end_t;

  approx_bounds (logic, cand, FALSE, 0, &start_i, &start_t, &end_i, &end_t);
  if ((gint) end_i != pivot)
    return FALSE;
  return discard_only (s, cand);
}

static BagAlignResult
decide_approximate (BagAlignLogic * logic)
{
  BagAlignSet *s = &logic->set;
  guint n = s->n_pads, i;
  guint *pos, *cand, *vpos;
  gint pivot = -1;
  gint64 pivot_time = 0, cand_start = 0, cand_end = 0;
  gboolean need = FALSE;
  BagAlignResult res = BAG_ALIGN_NEED_DATA;

  for (i = 0; i < n; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (p->flushing) {
      s->needed[i] = need = TRUE;
    } else if (p->entries->len == 0) {
      if (p->eos)
        return BAG_ALIGN_DONE;
      s->needed[i] = need = TRUE;
    }
  }
  if (need) {
    if (approx_prune (logic))
      return BAG_ALIGN_SET;
    return BAG_ALIGN_NEED_DATA;
  }

  pos = g_newa (guint, n);
  cand = g_newa (guint, n);
  vpos = g_newa (guint, n);
  memset (pos, 0, n * sizeof (guint));

  for (;;) {
    guint start_i, end_i;
    gint64 start_t, end_t;
    gboolean exhausted = FALSE;

    approx_bounds (logic, pos, FALSE, 0, &start_i, &start_t, &end_i, &end_t);

    if (pivot < 0) {
      if (logic->max_interval != BAG_ALIGN_UNLIMITED &&
          dist (end_t, start_t) > logic->max_interval) {
        /* too wide to ever be a set: drop the oldest head for good */
        s->pop[start_i] = 1;
        s->time = start_t;
        s->emit = FALSE;
        s->n_members = 0;
        return BAG_ALIGN_SET;
      }
      memcpy (cand, pos, n * sizeof (guint));
      cand_start = start_t;
      cand_end = end_t;
      pivot = end_i;
      pivot_time = end_t;
    } else if (penalized (logic, end_t, cand_end) <
        (gdouble) start_t - (gdouble) cand_start) {
      /* a better candidate, same pivot */
      memcpy (cand, pos, n * sizeof (guint));
      cand_start = start_t;
      cand_end = end_t;
    }
    pos[start_i]++;

    if ((gint) start_i == pivot)
      goto publish;
    if (penalized (logic, end_t, cand_end) >=
        (gdouble) pivot_time - (gdouble) cand_start)
      goto publish;

    for (i = 0; i < n; i++) {
      BagAlignPad *p = g_ptr_array_index (logic->pads, i);
      if (pos[i] >= p->entries->len)
        exhausted = TRUE;
    }
    if (!exhausted)
      continue;

    /* some queue ran empty: try to prove the candidate optimal with the
     * lower bounds the exhausted pads give for their next entry */
    memcpy (vpos, pos, n * sizeof (guint));
    for (;;) {
      guint vs_i, ve_i;
      gint64 vs_t, ve_t;

      approx_bounds (logic, vpos, TRUE, pivot_time, &vs_i, &vs_t, &ve_i, &ve_t);
      if (penalized (logic, ve_t, cand_end) >=
          (gdouble) pivot_time - (gdouble) cand_start)
        goto publish;
      if (penalized (logic, ve_t, cand_end) <
          (gdouble) vs_t - (gdouble) cand_start) {
        /* an optimistic future candidate beats this one: wait */
        if (approx_drop_before (logic, cand, pivot))
          return BAG_ALIGN_SET;
        for (i = 0; i < n; i++) {
          BagAlignPad *p = g_ptr_array_index (logic->pads, i);
          s->needed[i] = pos[i] >= p->entries->len;
        }
        return BAG_ALIGN_NEED_DATA;
      }
      /* vs_t < pivot_time here, so vs_i is a real entry */
      if (vpos[vs_i] >= ((BagAlignPad *)
              g_ptr_array_index (logic->pads, vs_i))->entries->len) {
        g_warn_if_reached ();
        return BAG_ALIGN_NEED_DATA;
      }
      vpos[vs_i]++;
    }
  }

publish:
  for (i = 0; i < n; i++) {
    s->member[i] = cand[i];
    s->pop[i] = cand[i] + 1;
  }
  {
    guint r = logic->reference < n ? logic->reference : 0;
    BagAlignPad *rp = g_ptr_array_index (logic->pads, r);

    res = finish_set (logic, ENTRY (rp, cand[r])->time);
  }
  return res;
}

/* After NEED_DATA: a pad that is not needed but is not ahead of a needed
 * pad either (its horizon is at or before the latest horizon of a needed
 * pad) is needed too. The streams usually share one source that produces
 * in time order (a demuxer): the data a needed pad waits for comes after
 * what the other pads still have in flight, and refusing those would
 * block the source before it gets there, whatever its queues. What such a
 * pad then brings is kept only while it can still serve a set (the modes
 * drop what can no longer serve one), so this costs memory only where
 * the sets need it; a pad that is ahead of every needed pad still waits,
 * which is the back-pressure. */
static void
catch_up (BagAlignLogic * logic)
{
  BagAlignSet *s = &logic->set;
  gint64 reach = BAG_ALIGN_TIME_NONE;
  guint i;

  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (s->needed[i] && !p->flushing && !p->eos && p->horizon > reach)
      reach = p->horizon;
  }
  if (reach == BAG_ALIGN_TIME_NONE)
    return;
  for (i = 0; i < s->n_pads; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);

    if (!s->needed[i] && !p->flushing && !p->eos && p->horizon <= reach)
      s->needed[i] = TRUE;
  }
}

static BagAlignResult
decide_mode (BagAlignLogic * logic)
{
  if (logic->rate_n > 0 && logic->rate_d > 0)
    return decide_rate (logic);

  switch (logic->mode) {
    case BAG_ALIGN_MODE_APPROXIMATE:
      return decide_approximate (logic);
    case BAG_ALIGN_MODE_EXACT:
      return decide_exact (logic);
    case BAG_ALIGN_MODE_REFERENCE:
    default:
      return decide_reference (logic);
  }
}

BagAlignResult
bag_align_logic_decide (BagAlignLogic * logic)
{
  BagAlignResult res;

  set_reset (logic);

  if (logic->pads->len == 0)
    return BAG_ALIGN_NEED_DATA;

  res = decide_mode (logic);
  if (res == BAG_ALIGN_NEED_DATA)
    catch_up (logic);
  return res;
}

void
bag_align_logic_commit (BagAlignLogic * logic, BagAlignReleaseFunc release,
    gpointer user_data)
{
  BagAlignSet *s = &logic->set;
  guint i, k;

  for (i = 0; i < s->n_pads && i < logic->pads->len; i++) {
    BagAlignPad *p = g_ptr_array_index (logic->pads, i);
    guint pop = MIN (s->pop[i], p->entries->len);

    if (s->emit && s->member[i] >= 0 && (guint) s->member[i] < p->entries->len)
      ENTRY (p, s->member[i])->used = TRUE;
    for (k = 0; k < pop; k++) {
      if (release)
        release (i, ENTRY (p, k)->data, ENTRY (p, k)->used, user_data);
    }
    if (pop > 0)
      g_array_remove_range (p->entries, 0, pop);
  }
  if (logic->rate_n > 0 && logic->rate_d > 0 && s->time != BAG_ALIGN_TIME_NONE)
    logic->tick++;
  set_reset (logic);
}
