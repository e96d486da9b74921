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

/* The set-decision logic of bagalign, as plain data and pure functions
 * (GLib only, no pads, no locking): per-pad queues of timestamps with an
 * opaque pointer each, a horizon (no later entry of the pad can be earlier
 * than it) and an EOS flag. bag_align_logic_decide() looks at the queues and
 * says: "need more data from these pads", "here is the next set (or a set
 * that is dropped)", or "done: no set can ever form again".
 * bag_align_logic_commit() then removes what the set consumed or made
 * useless, handing each removed entry back to the caller. */

#ifndef __GST_BAG_ALIGN_LOGIC_H__
#define __GST_BAG_ALIGN_LOGIC_H__

#include <glib.h>

G_BEGIN_DECLS

/* times are signed nanoseconds (running time plus a per-pad offset) */
#define BAG_ALIGN_TIME_NONE G_MININT64
#define BAG_ALIGN_TIME_INF G_MAXINT64
/* a tolerance that never rejects anything */
#define BAG_ALIGN_UNLIMITED G_MAXINT64

typedef enum
{
  BAG_ALIGN_MODE_REFERENCE = 0,
  BAG_ALIGN_MODE_APPROXIMATE = 1,
  BAG_ALIGN_MODE_EXACT = 2,
} BagAlignMode;

typedef enum
{
  BAG_ALIGN_POLICY_NEAREST = 0,
  BAG_ALIGN_POLICY_PREVIOUS = 1,
} BagAlignPolicy;

typedef enum
{
  BAG_ALIGN_NEED_DATA = 0,
  BAG_ALIGN_SET = 1,
  BAG_ALIGN_DONE = 2,
} BagAlignResult;

typedef struct
{
  gint64 time;
  gpointer data;
  gboolean used;                /* member of at least one emitted set */
} BagAlignEntry;

typedef struct
{
  /* configuration (the caller writes these) */
  gint64 tolerance;             /* >= 0, or BAG_ALIGN_UNLIMITED */
  BagAlignPolicy policy;
  gboolean required;

  /* state (read-only for the caller) */
  GArray *entries;              /* BagAlignEntry, sorted by time */
  gint64 horizon;               /* BAG_ALIGN_TIME_NONE: nothing known yet */
  gint64 last_time;             /* latest entry time since the last flush */
  gboolean eos;
  gboolean flushing;
} BagAlignPad;

typedef struct
{
  /* valid after BAG_ALIGN_SET */
  gint64 time;                  /* the set's time */
  gboolean emit;                /* FALSE: the set is dropped */
  guint n_members;              /* 0: nothing but a discard of stale entries */
  gint *member;                 /* per pad: entry index, or -1 when missing */
  guint *pop;                   /* per pad: entries to remove from the head */
  /* valid after BAG_ALIGN_NEED_DATA: pads whose data is needed to decide */
  gboolean *needed;
  guint n_pads;
} BagAlignSet;

typedef struct
{
  /* configuration (the caller writes these) */
  BagAlignMode mode;
  guint reference;              /* index of the reference pad (mode reference) */
  gboolean drop_incomplete;
  gint rate_n, rate_d;          /* rate_n > 0: resample to rate_n/rate_d sets/s */
  gint64 max_interval;          /* approximate: BAG_ALIGN_UNLIMITED = none */
  gdouble age_penalty;          /* approximate */

  /* state */
  GPtrArray *pads;              /* BagAlignPad */
  guint64 tick;                 /* rate: index of the next tick */
  BagAlignSet set;
} BagAlignLogic;

/* called for every entry the logic lets go of (commit, flush, free) */
typedef void (*BagAlignReleaseFunc) (guint pad, gpointer data, gboolean used,
    gpointer user_data);

BagAlignLogic *bag_align_logic_new (void);
void bag_align_logic_free (BagAlignLogic * logic, BagAlignReleaseFunc release,
    gpointer user_data);

guint bag_align_logic_add_pad (BagAlignLogic * logic);
/* a new pad at index position (<= n_pads); later pads move up by one */
void bag_align_logic_insert_pad (BagAlignLogic * logic, guint position);
void bag_align_logic_remove_pad (BagAlignLogic * logic, guint pad,
    BagAlignReleaseFunc release, gpointer user_data);
BagAlignPad *bag_align_logic_get_pad (BagAlignLogic * logic, guint pad);
guint bag_align_logic_n_pads (BagAlignLogic * logic);

/* FALSE (and nothing queued) when time is earlier than the pad's latest */
gboolean bag_align_logic_push (BagAlignLogic * logic, guint pad, gint64 time,
    gpointer data);
/* a GAP: no future entry of the pad is earlier than until */
void bag_align_logic_advance (BagAlignLogic * logic, guint pad, gint64 until);
void bag_align_logic_set_eos (BagAlignLogic * logic, guint pad);
/* start: empty the pad's queue, forget horizon and EOS, and treat the pad
 * as having no data until a flush with start=FALSE */
void bag_align_logic_flush (BagAlignLogic * logic, guint pad, gboolean start,
    BagAlignReleaseFunc release, gpointer user_data);

BagAlignResult bag_align_logic_decide (BagAlignLogic * logic);
/* hand back every queued entry (after BAG_ALIGN_DONE); keeps EOS etc. */
void bag_align_logic_release_all (BagAlignLogic * logic,
    BagAlignReleaseFunc release, gpointer user_data);
/* apply the set that the last decide returned (BAG_ALIGN_SET only) */
void bag_align_logic_commit (BagAlignLogic * logic,
    BagAlignReleaseFunc release, gpointer user_data);

/* time of tick k at rate_n/rate_d */
gint64 bag_align_logic_tick_time (BagAlignLogic * logic, guint64 k);

G_END_DECLS

#endif /* __GST_BAG_ALIGN_LOGIC_H__ */
