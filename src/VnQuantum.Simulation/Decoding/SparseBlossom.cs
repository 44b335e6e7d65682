using System.Runtime.CompilerServices;

namespace VnQuantum.Simulation.Decoding;

/// <summary>
/// A matching graph in compressed rows: node i's edges are <c>Start[i]..Start[i+1]</c>, each to a node or to the
/// boundary (−1), with an even non-negative integer weight and the observables it flips. Even weights keep every
/// event of the sparse blossom flood at an integer time (two growing regions meet after half their gap).
/// </summary>
internal sealed class MatchingGraph
{
    public MatchingGraph(int nodeCount, IReadOnlyList<(int A, int B, int Weight, ulong Observables)> edges)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        ArgumentNullException.ThrowIfNull(edges);
        NodeCount = nodeCount;
        var degree = new int[nodeCount + 1];
        foreach (var (a, b, weight, _) in edges)
        {
            if (a < 0 || a >= nodeCount || b < -1 || b >= nodeCount || a == b)
            {
                throw new ArgumentException($"edge ({a}, {b}) is not between two nodes of {nodeCount} or a node and the boundary (−1)", nameof(edges));
            }

            if (weight < 0 || (weight & 1) != 0)
            {
                throw new ArgumentException($"edge ({a}, {b}) has weight {weight}: weights must be even and non-negative", nameof(edges));
            }

            degree[a]++;
            if (b >= 0)
            {
                degree[b]++;
            }
        }

        Start = new int[nodeCount + 1];
        for (int i = 0; i < nodeCount; i++)
        {
            Start[i + 1] = Start[i] + degree[i];
        }

        int total = Start[nodeCount];
        Neighbor = new int[total];
        Weight = new int[total];
        Observables = new ulong[total];
        var fill = (int[])Start.Clone();
        foreach (var (a, b, weight, observables) in edges)
        {
            Put(a, b, weight, observables);
            if (b >= 0)
            {
                Put(b, a, weight, observables);
            }
        }

        void Put(int from, int to, int weight, ulong observables)
        {
            int slot = fill[from]++;
            Neighbor[slot] = to;
            Weight[slot] = weight;
            Observables[slot] = observables;
        }
    }

    public int NodeCount { get; }

    public int[] Start { get; }

    /// <summary>The far end of each edge slot; −1 is the boundary.</summary>
    public int[] Neighbor { get; }

    public int[] Weight { get; }

    public ulong[] Observables { get; }
}

/// <summary>
/// Exact minimum-weight perfect matching of detection events by sparse blossom (Higgott and Gidney 2023,
/// arXiv:2303.15933), the algorithm of PyMatching 2: each event grows a region over the detector graph at unit speed;
/// a region that reaches another region, a matched pair or the boundary is handed to Edmonds' blossom algorithm,
/// whose alternating trees, blossoms and duals are the regions themselves (a region's radius is its dual variable).
/// Only the part of the graph the regions cover is ever touched, and no shortest paths are computed: the observables
/// of a match are carried along as regions grow, each node remembering those crossed from its source event.
/// </summary>
/// <remarks>
/// One matcher holds per-shot state and is not thread-safe; <see cref="MatchingDecoder"/> keeps one per thread.
/// After a shot every node and region is back to its empty state, so nothing is cleared in O(graph).
/// </remarks>
internal sealed class SparseBlossomMatcher
{
    private readonly MatchingGraph _graph;
    private readonly int[] _start;
    private readonly Slot[] _slots; // neighbour and weight side by side: the flood reads them together
    private readonly NodeState[] _nodes;
    private readonly EventQueue _queue = new();
    private readonly Stack<Region> _freeRegions = new();
    private readonly Stack<AltNode> _freeAltNodes = new();
    private readonly List<Region> _regionsById = [];
    private readonly List<AltChild> _orphans1 = [];
    private readonly List<AltChild> _orphans2 = [];
    private readonly List<RegionEdge> _path1 = [];
    private int _altNodesInUse;
    private long _now;

    public SparseBlossomMatcher(MatchingGraph graph)
    {
        _graph = graph;
        _start = graph.Start;
        _slots = new Slot[graph.Neighbor.Length];
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot(graph.Neighbor[i], graph.Weight[i]);
        }

        _nodes = new NodeState[graph.NodeCount];
        for (int i = 0; i < _nodes.Length; i++)
        {
            _nodes[i].Source = -1;
        }
    }

    /// <summary>
    /// Matches the detection events (distinct node indices) and returns the observables the matched paths flip and
    /// their total weight; false when no perfect matching exists (an odd number of events in a part of the graph
    /// with no boundary), after which the matcher is still clean for the next shot.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<int> detectionEvents, out ulong observables, out long weight)
    {
        _now = 0;
        foreach (int e in detectionEvents)
        {
            if ((uint)e >= (uint)_nodes.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(detectionEvents), e, $"detection event {e} is not a node of the {_nodes.Length}-node graph");
            }
        }

        try
        {
            foreach (int e in detectionEvents)
            {
                CreateDetectionEvent(e);
            }
        }
        catch (ArgumentException)
        {
            // An event given twice: undo the regions already made, so the next shot starts clean.
            ResetAfterFailure();
            throw;
        }

        while (true)
        {
            var ev = RunUntilNextMwpmEvent();
            if (ev.Kind == MwpmEventKind.None)
            {
                break;
            }

            Process(ev);
        }

        observables = 0;
        weight = 0;
        if (_altNodesInUse != 0)
        {
            ResetAfterFailure();
            return false;
        }

        foreach (int e in detectionEvents)
        {
            ref var node = ref _nodes[e];
            if (node.Arrived is not null)
            {
                var (o, w) = ShatterAndExtract(node.Top!);
                observables ^= o;
                weight += w;
            }
        }

        return true;
    }

    /// <summary>
    /// After a shot with no perfect matching some trees are left growing with nowhere to go: every node and region
    /// is emptied by brute force, O(graph), which only such a (rare, malformed) shot pays.
    /// </summary>
    private void ResetAfterFailure()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            ResetNodeRegion(ref _nodes[i]);
            _nodes[i].Events = default;
        }

        _freeRegions.Clear();
        foreach (var region in _regionsById)
        {
            region.Reset();
            _freeRegions.Push(region);
        }

        _freeAltNodes.Clear();
        _altNodesInUse = 0;
        _queue.Clear();
    }

    // ---- State ----

    private readonly record struct Slot(int To, int Weight);

    private struct Tracker
    {
        public long Desired;
        public long Queued;
        public bool HasDesired;
        public bool HasQueued;
    }

    private struct NodeState
    {
        public Region? Arrived;      // the region that reached this node
        public Region? Top;          // the topmost blossom containing that region
        public long Wrapped;         // sum of frozen inner radii past this node, less the radius at arrival
        public int Source;           // the detection event whose region reached this node, or −1
        public ulong FromSource;     // observables crossed from the source to here
        public long RadiusAtArrival;
        public Tracker Events;
    }

    /// <summary>A radius changing linearly in time: <c>Y + Slope·t</c>, slope +1 growing, 0 frozen, −1 shrinking.</summary>
    private readonly record struct Varying(long Y, int Slope)
    {
        public long At(long t) => Y + (Slope * t);

        public bool Growing => Slope > 0;

        public bool Shrinking => Slope < 0;

        public Varying GrowingFrom(long t) => new(At(t) - t, 1);

        public Varying ShrinkingFrom(long t) => new(At(t) + t, -1);

        public Varying FrozenAt(long t) => new(At(t), 0);

        public Varying Plus(long offset) => new(Y + offset, Slope);
    }

    /// <summary>An edge between two source events (To −1: the boundary) and the observables along its path.</summary>
    private readonly record struct CompressedEdge(int From, int To, ulong Observables)
    {
        public CompressedEdge Reversed => new(To, From, Observables);
    }

    private readonly record struct RegionEdge(Region Region, CompressedEdge Edge);

    private readonly record struct AltChild(AltNode Node, CompressedEdge Edge);

    private sealed class Region(int id)
    {
        public readonly int Id = id;
        public readonly List<RegionEdge> Children = [];
        public readonly List<int> Shell = [];
        public Region? BlossomParent;
        public Region Top = null!;
        public AltNode? Alt;
        public Varying Radius;
        public Tracker Shrink;
        public Region? Match;          // null with a match edge set and no tree: matched to the boundary
        public CompressedEdge MatchEdge;

        public void Reset()
        {
            Children.Clear();
            Shell.Clear();
            BlossomParent = null;
            Top = this;
            Alt = null;
            Radius = new Varying(0, 1);
            Shrink = default;
            Match = null;
            MatchEdge = default;
        }
    }

    private sealed class AltNode
    {
        public readonly List<AltChild> Children = [];
        public Region? Inner;
        public Region? Outer;
        public CompressedEdge InnerToOuter;
        public AltNode? Parent;
        public CompressedEdge ParentEdge; // from this node's inner region to the parent's outer region
        public bool Visited;
    }

    private enum MwpmEventKind : byte
    {
        None,
        RegionHitRegion,
        RegionHitBoundary,
        BlossomShatter,
    }

    private readonly record struct MwpmEvent(MwpmEventKind Kind, Region? Region1, Region? Region2, Region? Region3, CompressedEdge Edge)
    {
        public static readonly MwpmEvent Nothing = default;
    }

    // ---- Pools ----

    private Region NewRegion()
    {
        if (!_freeRegions.TryPop(out var region))
        {
            region = new Region(_regionsById.Count);
            _regionsById.Add(region);
        }

        region.Reset();
        return region;
    }

    private void FreeRegion(Region region) => _freeRegions.Push(region);

    private AltNode NewAltNode(Region? inner, Region outer, CompressedEdge innerToOuter)
    {
        if (!_freeAltNodes.TryPop(out var node))
        {
            node = new AltNode();
        }

        node.Children.Clear();
        node.Inner = inner;
        node.Outer = outer;
        node.InnerToOuter = innerToOuter;
        node.Parent = null;
        node.ParentEdge = default;
        node.Visited = false;
        if (inner is not null)
        {
            inner.Alt = node;
        }

        outer.Alt = node;
        _altNodesInUse++;
        return node;
    }

    private void FreeAltNode(AltNode node)
    {
        _altNodesInUse--;
        _freeAltNodes.Push(node);
    }

    // ---- The flooder: regions growing over the graph ----

    private Varying LocalRadius(in NodeState node) =>
        node.Top is null ? default : node.Top.Radius.Plus(node.Wrapped);

    private long WrappedRadius(in NodeState node)
    {
        if (node.Source < 0)
        {
            return 0;
        }

        long total = 0;
        for (var r = node.Arrived; r != node.Top; r = r.BlossomParent)
        {
            total += r!.Radius.Y;
        }

        return total - node.RadiusAtArrival;
    }

    /// <summary>The next time something happens along one of the node's edges, and that edge's slot (−1: none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Slot, long Time) NextEventAt(int index)
    {
        var nodes = _nodes;
        var slots = _slots;
        ref readonly var node = ref nodes[index];
        var own = LocalRadius(node);
        long best = long.MaxValue;
        int bestSlot = -1;
        int end = _start[index + 1];
        if (own.Growing)
        {
            var top = node.Top;
            for (int slot = _start[index]; slot < end; slot++)
            {
                var (to, weight) = slots[slot];
                long time;
                if (to < 0)
                {
                    time = weight - own.Y;
                }
                else
                {
                    ref readonly var other = ref nodes[to];
                    var theirTop = other.Top;
                    if (theirTop is null)
                    {
                        time = weight - own.Y;
                    }
                    else
                    {
                        var theirs = theirTop.Radius;
                        if (theirTop == top || theirs.Shrinking)
                        {
                            continue;
                        }

                        time = weight - own.Y - theirs.Y - other.Wrapped;
                        if (theirs.Growing)
                        {
                            time >>= 1;
                        }
                    }
                }

                if (time < best)
                {
                    best = time;
                    bestSlot = slot;
                }
            }
        }
        else if (!own.Shrinking)
        {
            // Frozen or empty: only a growing neighbour can reach this node.
            for (int slot = _start[index]; slot < end; slot++)
            {
                var (to, weight) = slots[slot];
                if (to < 0)
                {
                    continue;
                }

                ref readonly var other = ref nodes[to];
                if (other.Top is { Radius.Growing: true } theirTop)
                {
                    long time = weight - own.Y - theirTop.Radius.Y - other.Wrapped;
                    if (time < best)
                    {
                        best = time;
                        bestSlot = slot;
                    }
                }
            }
        }

        return (bestSlot, best);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Reschedule(int index)
    {
        var (slot, time) = NextEventAt(index);
        if (slot < 0)
        {
            _nodes[index].Events.HasDesired = false;
        }
        else
        {
            SetDesired(ref _nodes[index].Events, time, index);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetDesired(ref Tracker tracker, long time, int target)
    {
        tracker.HasDesired = true;
        tracker.Desired = time;
        if (!tracker.HasQueued || tracker.Queued > time)
        {
            tracker.Queued = time;
            tracker.HasQueued = true;
            _queue.Push(time, target);
        }
    }

    /// <summary>Whether a dequeued entry is the one its tracker wants now; a stale entry re-queues the wanted time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool DequeueDecision(ref Tracker tracker, long time, int target)
    {
        if (!tracker.HasQueued || time != tracker.Queued)
        {
            return false;
        }

        tracker.HasQueued = false;
        if (!tracker.HasDesired)
        {
            return false;
        }

        if (time != tracker.Desired)
        {
            tracker.HasQueued = true;
            tracker.Queued = tracker.Desired;
            _queue.Push(tracker.Desired, target);
            return false;
        }

        tracker.HasDesired = false;
        return true;
    }

    private void ScheduleShrink(Region region)
    {
        long time = region.Shell.Count == 0 ? region.Radius.Y : LocalRadius(_nodes[region.Shell[^1]]).Y;
        SetDesired(ref region.Shrink, time, ~region.Id);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private MwpmEvent RunUntilNextMwpmEvent()
    {
        while (_queue.TryPop(out long time, out int target))
        {
            if (time < _now)
            {
                throw new InvalidOperationException($"sparse blossom: an event at time {time} after time {_now}");
            }

            _now = time;
            MwpmEvent ev;
            if (target >= 0)
            {
                if (!DequeueDecision(ref _nodes[target].Events, time, target))
                {
                    continue;
                }

                ev = LookAtNode(target);
            }
            else
            {
                var region = _regionsById[~target];
                if (!DequeueDecision(ref region.Shrink, time, target))
                {
                    continue;
                }

                ev = RegionShrinking(region);
            }

            if (ev.Kind != MwpmEventKind.None)
            {
                return ev;
            }
        }

        return MwpmEvent.Nothing;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private MwpmEvent LookAtNode(int index)
    {
        var (slot, time) = NextEventAt(index);
        if (slot < 0)
        {
            return MwpmEvent.Nothing;
        }

        if (time < _now)
        {
            throw new InvalidOperationException($"sparse blossom: node {index} has an event at time {time} after time {_now}");
        }

        // Look again at once after this event: another edge (or this one, later) may be next.
        SetDesired(ref _nodes[index].Events, time, index);
        if (time != _now)
        {
            return MwpmEvent.Nothing;
        }

        int to = _slots[slot].To;
        ref var node = ref _nodes[index];
        if (to < 0)
        {
            return new MwpmEvent(MwpmEventKind.RegionHitBoundary, node.Top, null, null,
                new CompressedEdge(node.Source, -1, node.FromSource ^ _graph.Observables[slot]));
        }

        ref var other = ref _nodes[to];
        if (node.Arrived is not null && other.Arrived is null)
        {
            ArriveAtEmptyNode(node.Top!, to, index, _graph.Observables[slot]);
            return MwpmEvent.Nothing;
        }

        if (other.Arrived is not null && node.Arrived is null)
        {
            ArriveAtEmptyNode(other.Top!, index, to, _graph.Observables[slot]);
            return MwpmEvent.Nothing;
        }

        return new MwpmEvent(MwpmEventKind.RegionHitRegion, node.Top, other.Top, null,
            new CompressedEdge(node.Source, other.Source, node.FromSource ^ other.FromSource ^ _graph.Observables[slot]));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ArriveAtEmptyNode(Region region, int empty, int from, ulong edgeObservables)
    {
        ref var node = ref _nodes[empty];
        ref readonly var source = ref _nodes[from];
        node.FromSource = source.FromSource ^ edgeObservables;
        node.Source = source.Source;
        node.RadiusAtArrival = region.Radius.At(_now);
        node.Arrived = region;
        node.Top = region.Top;
        node.Wrapped = WrappedRadius(node);
        region.Shell.Add(empty);
        Reschedule(empty);
    }

    private MwpmEvent RegionShrinking(Region region)
    {
        if (region.Shell.Count == 0)
        {
            return new MwpmEvent(MwpmEventKind.BlossomShatter, region,
                HeirOnShatter(region.Alt!.ParentEdge.From), HeirOnShatter(region.Alt.InnerToOuter.From), default);
        }

        if (region.Shell.Count == 1 && region.Children.Count == 0)
        {
            // A single-event region shrank to nothing: its parent's and its child's outer regions now touch.
            var alt = region.Alt!;
            return new MwpmEvent(MwpmEventKind.RegionHitRegion, alt.Parent!.Outer, alt.Outer, null,
                new CompressedEdge(alt.ParentEdge.To, alt.InnerToOuter.To, alt.InnerToOuter.Observables ^ alt.ParentEdge.Observables));
        }

        int leaving = region.Shell[^1];
        region.Shell.RemoveAt(region.Shell.Count - 1);
        ResetNodeRegion(ref _nodes[leaving]);
        Reschedule(leaving);
        ScheduleShrink(region);
        return MwpmEvent.Nothing;
    }

    private static void ResetNodeRegion(ref NodeState node)
    {
        node.Arrived = null;
        node.Top = null;
        node.Wrapped = 0;
        node.Source = -1;
        node.FromSource = 0;
        node.RadiusAtArrival = 0;
    }

    private Region HeirOnShatter(int sourceNode)
    {
        var r = _nodes[sourceNode].Arrived!;
        var top = _nodes[sourceNode].Top;
        while (r.BlossomParent != top)
        {
            r = r.BlossomParent!;
        }

        return r;
    }

    private Region CreateBlossom(Region blossom)
    {
        blossom.Radius = new Varying(-_now, 1);
        foreach (var child in blossom.Children)
        {
            child.Region.Radius = child.Region.Radius.FrozenAt(_now);
            child.Region.BlossomParent = blossom;
            SetTop(child.Region, blossom, recomputeWrapped: true);
            child.Region.Shrink.HasDesired = false;
        }

        RescheduleArea(blossom);
        return blossom;
    }

    /// <summary>Makes <paramref name="top"/> the top region of <paramref name="region"/>, its descendants and their nodes.</summary>
    private void SetTop(Region region, Region top, bool recomputeWrapped)
    {
        region.Top = top;
        foreach (int n in region.Shell)
        {
            ref var node = ref _nodes[n];
            node.Top = top;
            if (recomputeWrapped)
            {
                node.Wrapped = WrappedRadius(node);
            }
        }

        foreach (var child in region.Children)
        {
            SetTop(child.Region, top, recomputeWrapped);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RescheduleArea(Region region)
    {
        foreach (int n in region.Shell)
        {
            Reschedule(n);
        }

        foreach (var child in region.Children)
        {
            RescheduleArea(child.Region);
        }
    }

    private void ClearDesiredArea(Region region)
    {
        foreach (int n in region.Shell)
        {
            _nodes[n].Events.HasDesired = false;
        }

        foreach (var child in region.Children)
        {
            ClearDesiredArea(child.Region);
        }
    }

    private void SetGrowing(Region region)
    {
        region.Radius = region.Radius.GrowingFrom(_now);
        region.Shrink.HasDesired = false;
        RescheduleArea(region);
    }

    private void SetFrozen(Region region)
    {
        bool wasShrinking = region.Radius.Shrinking;
        region.Radius = region.Radius.FrozenAt(_now);
        region.Shrink.HasDesired = false;
        if (wasShrinking)
        {
            RescheduleArea(region);
        }
    }

    private void SetShrinking(Region region)
    {
        region.Radius = region.Radius.ShrinkingFrom(_now);
        ScheduleShrink(region);
        ClearDesiredArea(region);
    }

    // ---- The matcher: Edmonds' alternating trees over regions ----

    private void CreateDetectionEvent(int index)
    {
        ref var node = ref _nodes[index];
        if (node.Arrived is not null)
        {
            throw new ArgumentException($"detection event {index} given twice", nameof(index));
        }

        var region = NewRegion();
        NewAltNode(null, region, default);
        node.Source = index;
        node.RadiusAtArrival = 0;
        node.Arrived = region;
        node.Top = region;
        node.Wrapped = 0;
        node.FromSource = 0;
        region.Shell.Add(index);
        Reschedule(index);
    }

    private void Process(in MwpmEvent ev)
    {
        switch (ev.Kind)
        {
            case MwpmEventKind.RegionHitRegion:
                RegionHitRegion(ev.Region1!, ev.Region2!, ev.Edge);
                break;
            case MwpmEventKind.RegionHitBoundary:
                TreeHitBoundary(ev.Region1!, ev.Edge);
                break;
            case MwpmEventKind.BlossomShatter:
                BlossomShatter(ev.Region1!, ev.Region2!, ev.Region3!);
                break;
        }
    }

    private void RegionHitRegion(Region region1, Region region2, CompressedEdge edge)
    {
        var alt1 = region1.Alt;
        var alt2 = region2.Alt;
        if (alt1 is not null && alt2 is not null)
        {
            var common = CommonAncestor(alt1, alt2);
            if (common is null)
            {
                TreeHitOtherTree(region1, region2, edge);
            }
            else
            {
                TreeHitSelf(region1, region2, edge, common);
            }
        }
        else if (alt1 is not null)
        {
            if (region2.Match is not null)
            {
                TreeHitMatch(region1, region2, edge);
            }
            else
            {
                TreeHitBoundaryMatch(region1, region2, edge);
            }
        }
        else if (region1.Match is not null)
        {
            TreeHitMatch(region2, region1, edge.Reversed);
        }
        else
        {
            TreeHitBoundaryMatch(region2, region1, edge.Reversed);
        }
    }

    private static void AddMatch(Region region, Region? other, CompressedEdge edge)
    {
        region.Match = other;
        region.MatchEdge = edge;
        if (other is not null)
        {
            other.Match = region;
            other.MatchEdge = edge.Reversed;
        }
    }

    private static void AddChild(AltNode parent, AltNode child, CompressedEdge edge)
    {
        parent.Children.Add(new AltChild(child, edge));
        child.Parent = parent;
        child.ParentEdge = edge.Reversed;
    }

    private static void RemoveChild(AltNode parent, AltNode child)
    {
        var children = parent.Children;
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i].Node == child)
            {
                children[i] = children[^1];
                children.RemoveAt(children.Count - 1);
                return;
            }
        }
    }

    private static void BecomeRoot(AltNode node)
    {
        var oldParent = node.Parent;
        if (oldParent is null)
        {
            return;
        }

        BecomeRoot(oldParent);
        oldParent.Inner = node.Inner;
        oldParent.InnerToOuter = node.ParentEdge;
        node.Inner = null;
        RemoveChild(oldParent, node);
        node.Parent = null;
        node.ParentEdge = default;
        AddChild(node, oldParent, node.InnerToOuter.Reversed);
        node.InnerToOuter = default;
    }

    private static AltNode? CommonAncestor(AltNode a, AltNode b)
    {
        var current1 = a;
        var current2 = b;
        current1.Visited = true;
        current2.Visited = true;
        AltNode common;
        while (true)
        {
            var parent1 = current1.Parent;
            var parent2 = current2.Parent;
            if (parent1 is null && parent2 is null)
            {
                // Different trees: the marks are cleared by the shattering that follows, which frees every node.
                ClearMarks(a);
                ClearMarks(b);
                return null;
            }

            if (parent1 is not null)
            {
                current1 = parent1;
                if (current1.Visited)
                {
                    common = current1;
                    break;
                }

                current1.Visited = true;
            }

            if (parent2 is not null)
            {
                current2 = parent2;
                if (current2.Visited)
                {
                    common = current2;
                    break;
                }

                current2.Visited = true;
            }
        }

        ClearMarks(a);
        ClearMarks(b);
        return common;

        static void ClearMarks(AltNode from)
        {
            for (var n = from; n is not null && n.Visited; n = n.Parent)
            {
                n.Visited = false;
            }
        }
    }

    private void ShatterDescendantsIntoMatches(AltNode node)
    {
        foreach (var child in node.Children)
        {
            ShatterDescendantsIntoMatches(child.Node);
        }

        if (node.Inner is not null)
        {
            node.Parent = null;
            AddMatch(node.Inner, node.Outer, node.InnerToOuter);
            SetFrozen(node.Inner);
            SetFrozen(node.Outer!);
            node.Inner.Alt = null;
        }

        if (node.Outer is not null)
        {
            node.Outer.Alt = null;
        }

        FreeAltNode(node);
    }

    private void TreeHitBoundary(Region region, CompressedEdge edge)
    {
        var node = region.Alt!;
        BecomeRoot(node);
        ShatterDescendantsIntoMatches(node);
        region.Match = null;
        region.MatchEdge = edge;
        SetFrozen(region);
    }

    private void TreeHitBoundaryMatch(Region unmatched, Region matched, CompressedEdge edge)
    {
        var node = unmatched.Alt!;
        AddMatch(unmatched, matched, edge);
        SetFrozen(unmatched);
        BecomeRoot(node);
        ShatterDescendantsIntoMatches(node);
    }

    private void TreeHitOtherTree(Region region1, Region region2, CompressedEdge edge)
    {
        var alt1 = region1.Alt!;
        var alt2 = region2.Alt!;
        BecomeRoot(alt1);
        BecomeRoot(alt2);
        ShatterDescendantsIntoMatches(alt1);
        ShatterDescendantsIntoMatches(alt2);
        AddMatch(region1, region2, edge);
        SetFrozen(region1);
        SetFrozen(region2);
    }

    private AltNode MakeChild(AltNode parent, Region inner, Region outer, CompressedEdge innerToOuter, CompressedEdge childEdge)
    {
        var child = NewAltNode(inner, outer, innerToOuter);
        AddChild(parent, child, childEdge);
        return child;
    }

    private void TreeHitMatch(Region unmatched, Region matched, CompressedEdge edge)
    {
        var other = matched.Match!;
        MakeChild(unmatched.Alt!, matched, other, matched.MatchEdge, edge);
        other.Match = null;
        other.MatchEdge = default;
        matched.Match = null;
        matched.MatchEdge = default;
        SetShrinking(matched);
        SetGrowing(other);
    }

    /// <summary>
    /// Removes the tree path from <paramref name="node"/> up to (not including) <paramref name="stop"/>: appends each
    /// removed node's regions to <paramref name="path"/>, each with the edge to the next region of the blossom cycle
    /// (which runs up the path when <paramref name="back"/> is false, down it when true), and its children to
    /// <paramref name="orphans"/>.
    /// </summary>
    private void PruneUpwardPath(AltNode node, AltNode stop, bool back, List<RegionEdge> path, List<AltChild> orphans)
    {
        var current = node;
        while (current != stop)
        {
            orphans.AddRange(current.Children);
            current.Children.Clear();
            var parent = current.Parent!;
            if (back)
            {
                path.Add(new RegionEdge(current.Inner!, current.InnerToOuter));
                path.Add(new RegionEdge(parent.Outer!, current.ParentEdge.Reversed));
            }
            else
            {
                path.Add(new RegionEdge(current.Outer!, current.InnerToOuter.Reversed));
                path.Add(new RegionEdge(current.Inner!, current.ParentEdge));
            }

            RemoveChild(parent, current);
            current.Outer!.Alt = null;
            current.Inner!.Alt = null;
            FreeAltNode(current);
            current = parent;
        }
    }

    private void TreeHitSelf(Region region1, Region region2, CompressedEdge edge, AltNode common)
    {
        var blossom = NewRegion();
        var cycle = blossom.Children;
        _path1.Clear();
        _orphans1.Clear();
        _orphans2.Clear();
        PruneUpwardPath(region1.Alt!, common, back: true, _path1, _orphans1);
        PruneUpwardPath(region2.Alt!, common, back: false, cycle, _orphans2);
        for (int i = _path1.Count - 1; i >= 0; i--)
        {
            cycle.Add(_path1[i]);
        }

        cycle.Add(new RegionEdge(region1, edge));
        common.Outer!.Alt = null;
        CreateBlossom(blossom);
        common.Outer = blossom;
        blossom.Alt = common;
        foreach (var orphan in _orphans1)
        {
            AddChild(common, orphan.Node, orphan.Edge);
        }

        foreach (var orphan in _orphans2)
        {
            AddChild(common, orphan.Node, orphan.Edge);
        }
    }

    private void BlossomShatter(Region blossom, Region inParent, Region inChild)
    {
        foreach (var child in blossom.Children)
        {
            child.Region.BlossomParent = null;
            SetTop(child.Region, child.Region, recomputeWrapped: true);
        }

        var cycle = blossom.Children;
        var blossomNode = blossom.Alt!;
        int n = cycle.Count;
        int parentIndex = 0;
        int childIndex = 0;
        for (int i = 0; i < n; i++)
        {
            if (cycle[i].Region == inParent)
            {
                parentIndex = i;
            }

            if (cycle[i].Region == inChild)
            {
                childIndex = i;
            }
        }

        // The even side of the cycle from the parent's entry to the child's exit joins the tree as inner/outer pairs;
        // the odd side pairs off into matches.
        int gap = (childIndex + n - parentIndex) % n;
        var current = blossomNode.Parent!;
        RemoveChild(current, blossomNode);
        var childEdge = blossomNode.ParentEdge.Reversed;
        int evensStart, evensEnd;
        if (gap % 2 == 0)
        {
            evensStart = childIndex + 1;
            evensEnd = childIndex + n - gap;
            for (int i = parentIndex; i < parentIndex + gap; i += 2)
            {
                current = MakeChild(current, cycle[i % n].Region, cycle[(i + 1) % n].Region, cycle[i % n].Edge, childEdge);
                childEdge = cycle[(i + 1) % n].Edge;
                SetShrinking(current.Inner!);
                SetGrowing(current.Outer!);
            }
        }
        else
        {
            evensStart = parentIndex + 1;
            evensEnd = parentIndex + gap;
            for (int i = 0; i < n - gap; i += 2)
            {
                int k1 = (parentIndex + n - i) % n;
                int k2 = (parentIndex + n - i - 1) % n;
                int k3 = (parentIndex + n - i - 2) % n;
                current = MakeChild(current, cycle[k1].Region, cycle[k2].Region, cycle[k2].Edge.Reversed, childEdge);
                childEdge = cycle[k3].Edge.Reversed;
                SetShrinking(current.Inner!);
                SetGrowing(current.Outer!);
            }
        }

        for (int j = evensStart; j < evensEnd; j += 2)
        {
            var first = cycle[j % n];
            var second = cycle[(j + 1) % n];
            AddMatch(first.Region, second.Region, first.Edge);
            RescheduleArea(first.Region);
            RescheduleArea(second.Region);
        }

        var heir = cycle[childIndex].Region;
        blossomNode.Inner = heir;
        SetShrinking(heir);
        heir.Alt = blossomNode;
        AddChild(current, blossomNode, childEdge);
        FreeRegion(blossom);
    }

    // ---- Reading the matching out ----

    private void CleanupShell(Region region)
    {
        foreach (int n in region.Shell)
        {
            ref var node = ref _nodes[n];
            ResetNodeRegion(ref node);
            node.Events = default;
        }
    }

    private (ulong Observables, long Weight) ShatterAndExtract(Region region)
    {
        CleanupShell(region);
        var match = region.Match;
        if (match is not null)
        {
            CleanupShell(match);
            if (region.Children.Count == 0 && match.Children.Count == 0)
            {
                var pair = (region.MatchEdge.Observables, region.Radius.Y + match.Radius.Y);
                FreeRegion(match);
                FreeRegion(region);
                return pair;
            }
        }
        else if (region.Children.Count == 0)
        {
            var single = (region.MatchEdge.Observables, region.Radius.Y);
            FreeRegion(region);
            return single;
        }

        ulong observables = 0;
        long weight = 0;
        if (region.Children.Count > 0)
        {
            region = PairAndShatterChildren(region, ref observables, ref weight);
        }

        if (region.Match is { Children.Count: > 0 } blossomMatch)
        {
            PairAndShatterChildren(blossomMatch, ref observables, ref weight);
        }

        var (o, w) = ShatterAndExtract(region);
        return (observables ^ o, weight + w);
    }

    /// <summary>
    /// Opens a matched blossom: the child holding the match edge's end takes the match and the other children pair
    /// off around the cycle. Returns that child.
    /// </summary>
    private Region PairAndShatterChildren(Region blossom, ref ulong observables, ref long weight)
    {
        foreach (var child in blossom.Children)
        {
            child.Region.BlossomParent = null;
            SetTop(child.Region, child.Region, recomputeWrapped: false);
        }

        var heir = _nodes[blossom.MatchEdge.From].Top!;
        heir.Match = blossom.Match;
        heir.MatchEdge = blossom.MatchEdge;
        if (heir.Match is not null)
        {
            heir.Match.Match = heir;
        }

        weight += blossom.Radius.Y;
        var children = blossom.Children;
        int count = children.Count;
        int index = 0;
        while (children[index].Region != heir)
        {
            index++;
        }

        for (int i = 0; i < count - 1; i += 2)
        {
            var first = children[(index + i + 1) % count];
            var second = children[(index + i + 2) % count];
            AddMatch(first.Region, second.Region, first.Edge);
            var (o, w) = ShatterAndExtract(first.Region);
            observables ^= o;
            weight += w;
        }

        FreeRegion(blossom);
        return heir;
    }

    /// <summary>A binary min-heap of (time, target) entries: target ≥ 0 a node to look at, ~id a shrinking region.</summary>
    private sealed class EventQueue
    {
        private Entry[] _heap = new Entry[64];
        private int _count;

        public void Clear() => _count = 0;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Push(long time, int target)
        {
            if (_count == _heap.Length)
            {
                Array.Resize(ref _heap, _count * 2);
            }

            var heap = _heap;
            int i = _count++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (heap[parent].Time <= time)
                {
                    break;
                }

                heap[i] = heap[parent];
                i = parent;
            }

            heap[i] = new Entry(time, target);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool TryPop(out long time, out int target)
        {
            if (_count == 0)
            {
                time = 0;
                target = 0;
                return false;
            }

            var heap = _heap;
            (time, target) = heap[0];
            int last = --_count;
            var moving = heap[last];
            int i = 0;
            while (true)
            {
                int child = (2 * i) + 1;
                if (child >= last)
                {
                    break;
                }

                if (child + 1 < last && heap[child + 1].Time < heap[child].Time)
                {
                    child++;
                }

                if (heap[child].Time >= moving.Time)
                {
                    break;
                }

                heap[i] = heap[child];
                i = child;
            }

            heap[i] = moving;
            return true;
        }

        private readonly record struct Entry(long Time, int Target);
    }
}
