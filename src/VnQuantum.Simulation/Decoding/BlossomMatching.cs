namespace VnQuantum.Simulation.Decoding;

/// <summary>
/// Maximum-weight matching in a general graph by Edmonds' blossom algorithm with dual variables, in the O(n³) form of
/// Galil (ACM Computing Surveys 18, 23 (1986)): stages grow alternating trees from free vertices, shrink odd cycles
/// into blossoms, and adjust the duals until an augmenting path of tight edges appears. With
/// <c>maxCardinality</c> it returns a maximum-weight matching among those of maximum cardinality, which on a complete
/// graph with weights C − w is a minimum-weight perfect matching. Integer weights keep the duals exact.
/// </summary>
internal sealed class BlossomMatching
{
    private readonly int _n;
    private readonly int[] _edgeI;
    private readonly int[] _edgeJ;
    private readonly long[] _weight;
    private readonly int[] _endpoint;
    private readonly List<int>[] _neighbourEnds;
    private readonly int[] _mate;
    private readonly int[] _label;
    private readonly int[] _labelEnd;
    private readonly int[] _inBlossom;
    private readonly int[] _blossomParent;
    private readonly List<int>?[] _blossomChildren;
    private readonly int[] _blossomBase;
    private readonly List<int>?[] _blossomEnds;
    private readonly int[] _bestEdge;
    private readonly List<int>?[] _blossomBestEdges;
    private readonly Stack<int> _unusedBlossoms = new();
    private readonly long[] _dual;
    private readonly bool[] _allowEdge;
    private readonly List<int> _queue = [];

    private BlossomMatching(int n, IReadOnlyList<(int I, int J, long W)> edges)
    {
        _n = n;
        int m = edges.Count;
        _edgeI = new int[m];
        _edgeJ = new int[m];
        _weight = new long[m];
        _endpoint = new int[2 * m];
        _neighbourEnds = new List<int>[n];
        for (int v = 0; v < n; v++)
        {
            _neighbourEnds[v] = [];
        }

        long maxWeight = 0;
        for (int k = 0; k < m; k++)
        {
            var (i, j, w) = edges[k];
            _edgeI[k] = i;
            _edgeJ[k] = j;

            // Doubled so that the half-steps of the dual update stay integers.
            _weight[k] = 2 * w;
            maxWeight = Math.Max(maxWeight, 2 * w);
            _endpoint[2 * k] = i;
            _endpoint[(2 * k) + 1] = j;
            _neighbourEnds[i].Add((2 * k) + 1);
            _neighbourEnds[j].Add(2 * k);
        }

        _mate = Filled(n, -1);
        _label = new int[2 * n];
        _labelEnd = Filled(2 * n, -1);
        _inBlossom = new int[n];
        for (int v = 0; v < n; v++)
        {
            _inBlossom[v] = v;
        }

        _blossomParent = Filled(2 * n, -1);
        _blossomChildren = new List<int>?[2 * n];
        _blossomBase = new int[2 * n];
        for (int v = 0; v < n; v++)
        {
            _blossomBase[v] = v;
        }

        for (int b = n; b < 2 * n; b++)
        {
            _blossomBase[b] = -1;
        }

        _blossomEnds = new List<int>?[2 * n];
        _bestEdge = Filled(2 * n, -1);
        _blossomBestEdges = new List<int>?[2 * n];
        for (int b = (2 * n) - 1; b >= n; b--)
        {
            _unusedBlossoms.Push(b);
        }

        _dual = new long[2 * n];
        for (int v = 0; v < n; v++)
        {
            _dual[v] = maxWeight;
        }

        _allowEdge = new bool[m];
    }

    /// <summary>
    /// Returns mate[v] (the vertex matched to v, or −1). Edges are (i, j, weight ≥ 0) with i ≠ j, at most one per pair.
    /// </summary>
    public static int[] Solve(int vertexCount, IReadOnlyList<(int I, int J, long W)> edges, bool maxCardinality)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (vertexCount == 0 || edges.Count == 0)
        {
            return Filled(vertexCount, -1);
        }

        var solver = new BlossomMatching(vertexCount, edges);
        solver.Run(maxCardinality);
        var result = new int[vertexCount];
        for (int v = 0; v < vertexCount; v++)
        {
            result[v] = solver._mate[v] >= 0 ? solver._endpoint[solver._mate[v]] : -1;
        }

        return result;
    }

    private static int[] Filled(int length, int value)
    {
        var a = new int[length];
        Array.Fill(a, value);
        return a;
    }

    private long Slack(int k) => _dual[_edgeI[k]] + _dual[_edgeJ[k]] - _weight[k];

    private IEnumerable<int> Leaves(int b)
    {
        if (b < _n)
        {
            yield return b;
            yield break;
        }

        foreach (int child in _blossomChildren[b]!)
        {
            foreach (int leaf in Leaves(child))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>Labels the top-level blossom of w with t (1 = S, 2 = T), reached through endpoint p.</summary>
    private void AssignLabel(int w, int t, int p)
    {
        int b = _inBlossom[w];
        _label[w] = _label[b] = t;
        _labelEnd[w] = _labelEnd[b] = p;
        _bestEdge[w] = _bestEdge[b] = -1;
        if (t == 1)
        {
            _queue.AddRange(Leaves(b));
        }
        else
        {
            // A T-blossom's base is matched; its mate becomes an S-vertex.
            int baseVertex = _blossomBase[b];
            AssignLabel(_endpoint[_mate[baseVertex]], 1, _mate[baseVertex] ^ 1);
        }
    }

    /// <summary>Traces back from v and w to find a new blossom's base, or −1 for an augmenting path.</summary>
    private int ScanBlossom(int v, int w)
    {
        var path = new List<int>();
        int baseVertex = -1;
        while (v != -1 || w != -1)
        {
            int b = _inBlossom[v];
            if ((_label[b] & 4) != 0)
            {
                baseVertex = _blossomBase[b];
                break;
            }

            path.Add(b);
            _label[b] = 5;
            if (_labelEnd[b] == -1)
            {
                v = -1;
            }
            else
            {
                v = _endpoint[_labelEnd[b]];
                b = _inBlossom[v];
                v = _endpoint[_labelEnd[b]];
            }

            if (w != -1)
            {
                (v, w) = (w, v);
            }
        }

        foreach (int b in path)
        {
            _label[b] = 1;
        }

        return baseVertex;
    }

    /// <summary>Shrinks the odd cycle through edge k and base into a new blossom.</summary>
    private void AddBlossom(int baseVertex, int k)
    {
        int v = _edgeI[k], w = _edgeJ[k];
        int bb = _inBlossom[baseVertex];
        int bv = _inBlossom[v];
        int bw = _inBlossom[w];
        int b = _unusedBlossoms.Pop();
        _blossomBase[b] = baseVertex;
        _blossomParent[b] = -1;
        _blossomParent[bb] = b;
        var path = new List<int>();
        var ends = new List<int>();
        _blossomChildren[b] = path;
        _blossomEnds[b] = ends;

        // From v back to the base.
        while (bv != bb)
        {
            _blossomParent[bv] = b;
            path.Add(bv);
            ends.Add(_labelEnd[bv]);
            v = _endpoint[_labelEnd[bv]];
            bv = _inBlossom[v];
        }

        path.Add(bb);
        path.Reverse();
        ends.Reverse();
        ends.Add(2 * k);

        // From w back to the base.
        while (bw != bb)
        {
            _blossomParent[bw] = b;
            path.Add(bw);
            ends.Add(_labelEnd[bw] ^ 1);
            w = _endpoint[_labelEnd[bw]];
            bw = _inBlossom[w];
        }

        _label[b] = 1;
        _labelEnd[b] = _labelEnd[bb];
        _dual[b] = 0;
        foreach (int leaf in Leaves(b))
        {
            if (_label[_inBlossom[leaf]] == 2)
            {
                _queue.Add(leaf);
            }

            _inBlossom[leaf] = b;
        }

        // The least-slack edges from the new blossom to other S-blossoms.
        var bestTo = Filled(2 * _n, -1);
        foreach (int child in path)
        {
            IEnumerable<int> candidates;
            if (_blossomBestEdges[child] is null)
            {
                candidates = Leaves(child).SelectMany(leaf => _neighbourEnds[leaf].Select(p => p / 2)).ToList();
            }
            else
            {
                candidates = _blossomBestEdges[child]!;
            }

            foreach (int e in candidates)
            {
                int i = _edgeI[e], j = _edgeJ[e];
                if (_inBlossom[j] == b)
                {
                    (i, j) = (j, i);
                }

                int bj = _inBlossom[j];
                if (bj != b && _label[bj] == 1 && (bestTo[bj] == -1 || Slack(e) < Slack(bestTo[bj])))
                {
                    bestTo[bj] = e;
                }
            }

            _blossomBestEdges[child] = null;
            _bestEdge[child] = -1;
        }

        _blossomBestEdges[b] = bestTo.Where(e => e != -1).ToList();
        _bestEdge[b] = -1;
        foreach (int e in _blossomBestEdges[b]!)
        {
            if (_bestEdge[b] == -1 || Slack(e) < Slack(_bestEdge[b]))
            {
                _bestEdge[b] = e;
            }
        }
    }

    /// <summary>Undoes a blossom whose dual reached zero (or, at the end of a stage, every S-blossom with zero dual).</summary>
    private void ExpandBlossom(int b, bool endStage)
    {
        var children = _blossomChildren[b]!;
        foreach (int s in children)
        {
            _blossomParent[s] = -1;
            if (s < _n)
            {
                _inBlossom[s] = s;
            }
            else if (endStage && _dual[s] == 0)
            {
                ExpandBlossom(s, endStage);
            }
            else
            {
                foreach (int leaf in Leaves(s))
                {
                    _inBlossom[leaf] = s;
                }
            }
        }

        if (!endStage && _label[b] == 2)
        {
            // Relabel the part of the expanded T-blossom that lies on the alternating path.
            var ends = _blossomEnds[b]!;
            int entryChild = _inBlossom[_endpoint[_labelEnd[b] ^ 1]];
            var (j, jstep, endptrick) = Direction(children.IndexOf(entryChild), children.Count);

            int p = _labelEnd[b];
            while (j != 0)
            {
                _label[_endpoint[p ^ 1]] = 0;
                _label[_endpoint[ends[Index(j - endptrick, ends.Count)] ^ endptrick ^ 1]] = 0;
                AssignLabel(_endpoint[p ^ 1], 2, p);
                _allowEdge[ends[Index(j - endptrick, ends.Count)] / 2] = true;
                j += jstep;
                p = ends[Index(j - endptrick, ends.Count)] ^ endptrick;
                _allowEdge[p / 2] = true;
                j += jstep;
            }

            int bv = children[Index(j, children.Count)];
            _label[_endpoint[p ^ 1]] = _label[bv] = 2;
            _labelEnd[_endpoint[p ^ 1]] = _labelEnd[bv] = p;
            _bestEdge[bv] = -1;
            j += jstep;
            while (children[Index(j, children.Count)] != entryChild)
            {
                bv = children[Index(j, children.Count)];
                if (_label[bv] == 1)
                {
                    j += jstep;
                    continue;
                }

                int reached = -1;
                foreach (int leaf in Leaves(bv))
                {
                    if (_label[leaf] != 0)
                    {
                        reached = leaf;
                        break;
                    }
                }

                if (reached >= 0)
                {
                    _label[reached] = 0;
                    _label[_endpoint[_mate[_blossomBase[bv]]]] = 0;
                    AssignLabel(reached, 2, _labelEnd[reached]);
                }

                j += jstep;
            }
        }

        _label[b] = 0;
        _labelEnd[b] = -1;
        _blossomChildren[b] = null;
        _blossomEnds[b] = null;
        _blossomBase[b] = -1;
        _blossomBestEdges[b] = null;
        _bestEdge[b] = -1;
        _unusedBlossoms.Push(b);
    }

    /// <summary>
    /// Which way round the blossom's cycle to walk from child <paramref name="index"/> back to the base (child 0) so
    /// that the path has even length: forwards from an odd index (made negative so that it ends at 0), backwards from
    /// an even one; the endpoint trick picks which end of each stored edge faces the walk.
    /// </summary>
    private static (int Start, int Step, int EndpointTrick) Direction(int index, int count) =>
        (index & 1) != 0 ? (index - count, 1, 0) : (index, -1, 1);

    private static int Index(int j, int count) => ((j % count) + count) % count;

    /// <summary>Swaps matched and unmatched edges along the path from v to the base of blossom b.</summary>
    private void AugmentBlossom(int b, int v)
    {
        int t = v;
        while (_blossomParent[t] != b)
        {
            t = _blossomParent[t];
        }

        if (t >= _n)
        {
            AugmentBlossom(t, v);
        }

        var children = _blossomChildren[b]!;
        var ends = _blossomEnds[b]!;
        int i = children.IndexOf(t);
        var (j, jstep, endptrick) = Direction(i, children.Count);

        while (j != 0)
        {
            j += jstep;
            t = children[Index(j, children.Count)];
            int p = ends[Index(j - endptrick, ends.Count)] ^ endptrick;
            if (t >= _n)
            {
                AugmentBlossom(t, _endpoint[p]);
            }

            j += jstep;
            t = children[Index(j, children.Count)];
            if (t >= _n)
            {
                AugmentBlossom(t, _endpoint[p ^ 1]);
            }

            _mate[_endpoint[p]] = p ^ 1;
            _mate[_endpoint[p ^ 1]] = p;
        }

        // Rotate so that the new base comes first.
        _blossomChildren[b] = [.. children.Skip(i), .. children.Take(i)];
        _blossomEnds[b] = [.. ends.Skip(i), .. ends.Take(i)];
        _blossomBase[b] = _blossomBase[_blossomChildren[b]![0]];
    }

    /// <summary>Augments the matching along the path through edge k.</summary>
    private void AugmentMatching(int k)
    {
        foreach (var (start, first) in new[] { (_edgeI[k], (2 * k) + 1), (_edgeJ[k], 2 * k) })
        {
            int s = start, p = first;
            while (true)
            {
                int bs = _inBlossom[s];
                if (bs >= _n)
                {
                    AugmentBlossom(bs, s);
                }

                _mate[s] = p;
                if (_labelEnd[bs] == -1)
                {
                    break;
                }

                int t = _endpoint[_labelEnd[bs]];
                int bt = _inBlossom[t];
                s = _endpoint[_labelEnd[bt]];
                int j = _endpoint[_labelEnd[bt] ^ 1];
                if (bt >= _n)
                {
                    AugmentBlossom(bt, j);
                }

                _mate[j] = _labelEnd[bt];
                p = _labelEnd[bt] ^ 1;
            }
        }
    }

    private void Run(bool maxCardinality)
    {
        for (int stage = 0; stage < _n; stage++)
        {
            Array.Clear(_label);
            Array.Fill(_bestEdge, -1);
            for (int b = _n; b < 2 * _n; b++)
            {
                _blossomBestEdges[b] = null;
            }

            Array.Clear(_allowEdge);
            _queue.Clear();
            for (int v = 0; v < _n; v++)
            {
                if (_mate[v] == -1 && _label[_inBlossom[v]] == 0)
                {
                    AssignLabel(v, 1, -1);
                }
            }

            bool augmented = false;
            while (true)
            {
                while (_queue.Count > 0 && !augmented)
                {
                    int v = _queue[^1];
                    _queue.RemoveAt(_queue.Count - 1);
                    foreach (int p in _neighbourEnds[v])
                    {
                        int k = p / 2;
                        int w = _endpoint[p];
                        if (_inBlossom[v] == _inBlossom[w])
                        {
                            continue;
                        }

                        long kslack = 0;
                        if (!_allowEdge[k])
                        {
                            kslack = Slack(k);
                            if (kslack <= 0)
                            {
                                _allowEdge[k] = true;
                            }
                        }

                        if (_allowEdge[k])
                        {
                            if (_label[_inBlossom[w]] == 0)
                            {
                                AssignLabel(w, 2, p ^ 1);
                            }
                            else if (_label[_inBlossom[w]] == 1)
                            {
                                int baseVertex = ScanBlossom(v, w);
                                if (baseVertex >= 0)
                                {
                                    AddBlossom(baseVertex, k);
                                }
                                else
                                {
                                    AugmentMatching(k);
                                    augmented = true;
                                    break;
                                }
                            }
                            else if (_label[w] == 0)
                            {
                                // w is inside a T-blossom but not yet reached: remember how.
                                _label[w] = 2;
                                _labelEnd[w] = p ^ 1;
                            }
                        }
                        else if (_label[_inBlossom[w]] == 1)
                        {
                            int b = _inBlossom[v];
                            if (_bestEdge[b] == -1 || kslack < Slack(_bestEdge[b]))
                            {
                                _bestEdge[b] = k;
                            }
                        }
                        else if (_label[w] == 0)
                        {
                            if (_bestEdge[w] == -1 || kslack < Slack(_bestEdge[w]))
                            {
                                _bestEdge[w] = k;
                            }
                        }
                    }
                }

                if (augmented)
                {
                    break;
                }

                // No tight edge leads on: change the duals by the largest step that keeps them feasible.
                int deltaType = -1;
                long delta = 0;
                int deltaEdge = -1, deltaBlossom = -1;
                if (!maxCardinality)
                {
                    deltaType = 1;
                    delta = _dual.Take(_n).Min();
                }

                for (int v = 0; v < _n; v++)
                {
                    if (_label[_inBlossom[v]] == 0 && _bestEdge[v] != -1)
                    {
                        long d = Slack(_bestEdge[v]);
                        if (deltaType == -1 || d < delta)
                        {
                            delta = d;
                            deltaType = 2;
                            deltaEdge = _bestEdge[v];
                        }
                    }
                }

                for (int b = 0; b < 2 * _n; b++)
                {
                    if (_blossomParent[b] == -1 && _label[b] == 1 && _bestEdge[b] != -1)
                    {
                        long d = Slack(_bestEdge[b]) / 2;
                        if (deltaType == -1 || d < delta)
                        {
                            delta = d;
                            deltaType = 3;
                            deltaEdge = _bestEdge[b];
                        }
                    }
                }

                for (int b = _n; b < 2 * _n; b++)
                {
                    if (_blossomBase[b] >= 0 && _blossomParent[b] == -1 && _label[b] == 2 && (deltaType == -1 || _dual[b] < delta))
                    {
                        delta = _dual[b];
                        deltaType = 4;
                        deltaBlossom = b;
                    }
                }

                if (deltaType == -1)
                {
                    // Only with maxCardinality: no further augmenting path exists.
                    deltaType = 1;
                    delta = Math.Max(0, _dual.Take(_n).Min());
                }

                for (int v = 0; v < _n; v++)
                {
                    int label = _label[_inBlossom[v]];
                    if (label == 1)
                    {
                        _dual[v] -= delta;
                    }
                    else if (label == 2)
                    {
                        _dual[v] += delta;
                    }
                }

                for (int b = _n; b < 2 * _n; b++)
                {
                    if (_blossomBase[b] >= 0 && _blossomParent[b] == -1)
                    {
                        if (_label[b] == 1)
                        {
                            _dual[b] += delta;
                        }
                        else if (_label[b] == 2)
                        {
                            _dual[b] -= delta;
                        }
                    }
                }

                if (deltaType == 1)
                {
                    break;
                }
                else if (deltaType == 2)
                {
                    _allowEdge[deltaEdge] = true;
                    int i = _edgeI[deltaEdge];
                    if (_label[_inBlossom[i]] == 0)
                    {
                        i = _edgeJ[deltaEdge];
                    }

                    _queue.Add(i);
                }
                else if (deltaType == 3)
                {
                    _allowEdge[deltaEdge] = true;
                    _queue.Add(_edgeI[deltaEdge]);
                }
                else
                {
                    ExpandBlossom(deltaBlossom, endStage: false);
                }
            }

            if (!augmented)
            {
                break;
            }

            for (int b = _n; b < 2 * _n; b++)
            {
                if (_blossomParent[b] == -1 && _blossomBase[b] >= 0 && _label[b] == 1 && _dual[b] == 0)
                {
                    ExpandBlossom(b, endStage: true);
                }
            }
        }
    }
}
