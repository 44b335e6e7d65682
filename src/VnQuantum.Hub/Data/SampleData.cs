namespace VnQuantum.Hub.Data;

/// <summary>
/// The bundled sample data set: invented people, organisations and projects (every row marked <c>Sample</c> and shown
/// with a "sample data" badge), enough to exercise the pages and search — 60 people, 20 organisations, 10 projects.
/// Deterministic: the same rows every time.
/// </summary>
public static class SampleData
{
    private static readonly (string Name, OrganisationKind Kind, string City, string Country, string Offers, string Seeks)[] Bodies =
    [
        ("Trung tâm Lượng tử Sông Hồng", OrganisationKind.Institute, "Hà Nội", "Việt Nam", "trapped-ion testbed, training", "industrial partners"),
        ("Học viện Quang tử Đà Nẵng", OrganisationKind.University, "Đà Nẵng", "Việt Nam", "photonics laboratory, single-photon detectors", "QKD field trials"),
        ("Đại học Khoa học Lượng tử Sài Gòn", OrganisationKind.University, "Hồ Chí Minh", "Việt Nam", "quantum algorithms courses", "GPU time"),
        ("Viện Đo lường Cố đô", OrganisationKind.Institute, "Huế", "Việt Nam", "atomic clocks, metrology", "NV-diamond samples"),
        ("Phòng thí nghiệm Cảm biến Cần Thơ", OrganisationKind.Institute, "Cần Thơ", "Việt Nam", "magnetometry for agriculture", "funding"),
        ("Công ty Mật mã An Toàn", OrganisationKind.Company, "Hà Nội", "Việt Nam", "key management, HSMs", "QKD links"),
        ("Công ty Cáp quang Biển Đông", OrganisationKind.Company, "Hải Phòng", "Việt Nam", "dark fibre, trusted-node sites", "QKD vendors"),
        ("Ngân hàng Sao Mai (phòng an ninh số)", OrganisationKind.Company, "Hồ Chí Minh", "Việt Nam", "pilot site for banking links", "quantum-safe migration"),
        ("Quỹ Đầu tư Rồng Vàng", OrganisationKind.Investor, "Hồ Chí Minh", "Việt Nam", "seed and series A", "deep-tech start-ups"),
        ("Quỹ Khởi nghiệp Phù Sa", OrganisationKind.Investor, "Cần Thơ", "Việt Nam", "grants for sensing start-ups", "teams"),
        ("Bệnh viện Đa khoa Trường Sa (thử nghiệm)", OrganisationKind.Government, "Nha Trang", "Việt Nam", "hospital network for secure records", "secure links"),
        ("Sở Khoa học Công nghệ Cao Nguyên", OrganisationKind.Government, "Đà Lạt", "Việt Nam", "regional programmes", "proposals"),
        ("Trường Đại học Quy Nhơn Mới", OrganisationKind.University, "Quy Nhơn", "Việt Nam", "summer school venue", "lecturers"),
        ("Công ty Vi mạch Hạ Long", OrganisationKind.Company, "Hạ Long", "Việt Nam", "cryogenic electronics", "superconducting qubit groups"),
        ("Viện Vật lý Vinh", OrganisationKind.Institute, "Vinh", "Việt Nam", "cold atoms", "lasers"),
        ("Isar Quantum Lab", OrganisationKind.Institute, "München", "Deutschland", "ion-trap collaboration", "visiting students"),
        ("Sakura Photonics", OrganisationKind.Company, "Tokyo", "Japan", "SNSPD modules", "Asian distributors"),
        ("Merlion Quantum Hub", OrganisationKind.Institute, "Singapore", "Singapore", "satellite QKD", "ground stations"),
        ("Southern Cross Qubits", OrganisationKind.University, "Melbourne", "Australia", "silicon spin qubits", "joint PhDs"),
        ("Seine Capital Quantique", OrganisationKind.Investor, "Paris", "France", "series A", "Vietnamese deep tech"),
    ];

    private static readonly string[] Family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
    private static readonly string[] Middle = ["Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh", "Ngọc", "Quốc"];
    private static readonly string[] Given = ["An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vy", "Đức", "Yến"];
    private static readonly string[] Abroad = ["Anna Schmidt", "Kenji Watanabe", "Priya Raman", "Lucas Martin", "Chloé Dubois", "Tom Becker", "Aiko Tanaka", "Daniel Wong", "Sarah O'Neill", "Mateo García"];

    private static readonly (string Expertise, Pillar Pillar)[] Fields =
    [
        ("trapped ions, quantum gates", Pillar.Computing),
        ("superconducting qubits, cryogenics", Pillar.Computing),
        ("quantum algorithms, OpenQASM", Pillar.Computing),
        ("quantum error correction, surface codes", Pillar.Computing),
        ("QKD, decoy-state BB84", Pillar.Communication),
        ("post-quantum cryptography, ML-KEM", Pillar.Communication),
        ("single-photon detectors, SNSPD", Pillar.Communication),
        ("network planning, trusted nodes", Pillar.Communication),
        ("NV-diamond magnetometry", Pillar.Sensing),
        ("atomic clocks, metrology", Pillar.Sensing),
        ("spin squeezing, cold atoms", Pillar.Sensing),
        ("quantum sensing for medicine", Pillar.Sensing),
    ];

    private static readonly (string Title, string Summary, Pillar Pillar, int[] Partners)[] Works =
    [
        ("Tuyến QKD Hà Nội – Hải Phòng", "A 120 km trusted-node QKD link between government and port data centres.", Pillar.Communication, [0, 5, 6]),
        ("Mạng khóa lượng tử ngân hàng", "Quantum-safe key delivery to banking data centres in Hồ Chí Minh City over ETSI GS QKD 014.", Pillar.Communication, [7, 5, 2]),
        ("Hồ sơ bệnh án an toàn", "Hybrid ML-KEM + QKD keys for hospital records in Nha Trang and Đà Nẵng.", Pillar.Communication, [10, 1, 5]),
        ("Máy tính ion 8 qubit", "An eight-qubit trapped-ion processor with the Isar lab.", Pillar.Computing, [0, 15]),
        ("Mô phỏng mã bề mặt", "Decoding surface-code memories on GPUs for the national testbed.", Pillar.Computing, [2, 13]),
        ("Từ kế kim cương cho nông nghiệp", "NV-diamond magnetometers for soil and water monitoring in the Mekong delta.", Pillar.Sensing, [4, 9]),
        ("Đồng hồ nguyên tử quang học", "An optical lattice clock for Vietnam's time scale.", Pillar.Sensing, [3, 14, 16]),
        ("Trạm mặt đất QKD vệ tinh", "A satellite-QKD ground station in Đà Lạt with the Merlion hub.", Pillar.Communication, [11, 17]),
        ("Trường hè lượng tử Quy Nhơn", "A yearly summer school on quantum technologies, in Vietnamese and English.", Pillar.Computing, [12, 0, 18]),
        ("Khởi nghiệp cảm biến lượng tử", "An accelerator for quantum-sensing start-ups.", Pillar.Sensing, [8, 19, 9]),
    ];

    /// <summary>Adds the sample rows when the database has no people yet; returns whether it did.</summary>
    public static bool SeedIfEmpty(HubDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.People.Any())
        {
            return false;
        }

        var organisations = Bodies.Select(b => new Organisation { Name = b.Name, Kind = b.Kind, City = b.City, Country = b.Country, Offers = b.Offers, Seeks = b.Seeks, Sample = true }).ToList();
        db.Organisations.AddRange(organisations);
        for (int i = 0; i < 60; i++)
        {
            bool abroad = i >= 50;
            var organisation = abroad ? organisations[15 + (i % 5)] : organisations[i % 15];
            var (expertise, pillar) = Fields[(i * 7) % Fields.Length];
            string name = abroad ? Abroad[i - 50] : $"{Family[i % Family.Length]} {Middle[(i * 3) % Middle.Length]} {Given[(i * 5) % Given.Length]}";
            db.People.Add(new Person
            {
                Name = name,
                Organisation = organisation,
                Affiliation = organisation.Name,
                Country = organisation.Country,
                Expertise = expertise,
                Pillar = pillar,
                Orcid = i % 3 == 0 ? SampleOrcid(i) : null,
                Biography = $"Works on {expertise} at {organisation.Name}, {organisation.City}. (Invented sample profile.)",
                Sample = true,
            });
        }

        foreach (var (title, summary, pillar, partners) in Works)
        {
            var project = new Project { Title = title, Summary = summary, Pillar = pillar, Outputs = "(sample) technical report, 2026", Sample = true };
            project.Partners.AddRange(partners.Select(k => organisations[k]));
            db.Projects.Add(project);
        }

        // Fixed dates (deterministic sample data), in Vietnam's time, stored as UTC.
        static DateTime Vn(int year, int month, int day, int hour) => new DateTime(year, month, day, hour, 0, 0, DateTimeKind.Utc).AddHours(-7);
        db.Events.AddRange(
            new HubEvent { Title = "Trường hè lượng tử Quy Nhơn 2027", Description = "Một tuần bài giảng và thực hành: mạch lượng tử, QKD, cảm biến. A week of lectures and labs.", Location = "Quy Nhơn", StartsAt = Vn(2027, 7, 12, 8), EndsAt = Vn(2027, 7, 16, 17), Capacity = 60, Organisation = organisations[12], UpdatedAt = Vn(2026, 11, 1, 9), Sample = true },
            new HubEvent { Title = "Hội thảo QKD cho ngân hàng", Description = "Phân phối khóa lượng tử và ETSI GS QKD 014 cho trung tâm dữ liệu ngân hàng. QKD for banking data centres.", Location = "Hồ Chí Minh", StartsAt = Vn(2027, 3, 18, 9), EndsAt = Vn(2027, 3, 18, 16), Capacity = 3, Organisation = organisations[7], UpdatedAt = Vn(2026, 11, 1, 9), Sample = true },
            new HubEvent { Title = "Ngày cảm biến lượng tử Cần Thơ", Description = "Từ kế NV cho nông nghiệp và y tế. NV magnetometry for agriculture and medicine.", Location = "Cần Thơ", StartsAt = Vn(2027, 5, 6, 8), EndsAt = Vn(2027, 5, 6, 12), Organisation = organisations[4], UpdatedAt = Vn(2026, 11, 1, 9), Sample = true });
        // A few published posts, so the matchmaking list is not empty on a first visit. They belong to no account
        // (nobody can edit them or be notified) and expire as any post does, 90 days after the first start.
        var now = DateTime.UtcNow;
        db.Offers.AddRange(SamplePosts.Select(p => new Offer
        {
            Kind = p.Kind,
            Title = p.Title,
            Description = p.Description + "\n\n*(Tin mẫu, không có thật · an invented sample post.)*",
            Pillar = p.Pillar,
            OwnerId = SampleOwner,
            Organisation = organisations[p.Organisation],
            State = OfferState.Published,
            CreatedAt = now,
            PublishedAt = now,
            ExpiresAt = now + Offer.Lifetime,
        }));
        db.SaveChanges();
        return true;
    }

    /// <summary>The owner id of the sample posts: no account has it (Identity's ids are GUIDs).</summary>
    internal const string SampleOwner = "sample-data";

    private static readonly (OfferKind Kind, string Title, string Description, Pillar Pillar, int Organisation)[] SamplePosts =
    [
        (OfferKind.PartnerWanted, "Cần đối tác thử QKD thực địa trên cáp biển Hải Phòng", "Chúng tôi có **sợi quang tối** 60 km giữa hai trạm và tìm một nhóm có hệ BB84 decoy để thử nghiệm thực địa.\n\n- thời gian: quý 2/2027\n- địa điểm: Hải Phòng – Cát Bà", Pillar.Communication, 6),
        (OfferKind.TechnologyOffer, "Chào công nghệ: đầu dò đơn photon SNSPD", "SNSPD modules with 85 % efficiency at 1550 nm and under 50 ps jitter, with support in Vietnamese and English.", Pillar.Communication, 16),
        (OfferKind.InvestmentSought, "Gọi vốn hạt giống: từ kế NV cho nuôi trồng thủy sản", "Một nhóm khởi nghiệp ở Cần Thơ tìm **vốn hạt giống** để đưa từ kế kim cương NV ra ao nuôi tôm.", Pillar.Sensing, 4),
        (OfferKind.TechnologyOffer, "Giờ máy trên bàn thử ion bẫy 8 qubit", "Open hours on an eight-qubit trapped-ion testbed for Vietnamese university groups; OpenQASM 2 and 3 accepted.", Pillar.Computing, 0),
    ];

    /// <summary>
    /// Adds <paramref name="count"/> more invented people (marked sample, deterministic) to a seeded database: the load
    /// benchmark's 10,000-member network. The search index is rebuilt by the caller.
    /// </summary>
    public static void AddGeneratedPeople(HubDbContext db, int count)
    {
        ArgumentNullException.ThrowIfNull(db);
        var organisations = db.Organisations.OrderBy(o => o.Id).ToList();
        for (int start = 0; start < count; start += 1000)
        {
            for (int i = start; i < Math.Min(count, start + 1000); i++)
            {
                var organisation = organisations[i % organisations.Count];
                var (expertise, pillar) = Fields[(i * 5 + i / 7) % Fields.Length];
                db.People.Add(new Person
                {
                    Name = $"{Family[i % Family.Length]} {Middle[(i / Family.Length) % Middle.Length]} {Given[(i * 7 + i / 3) % Given.Length]}",
                    OrganisationId = organisation.Id,
                    Affiliation = organisation.Name,
                    Country = organisation.Country,
                    Expertise = expertise,
                    Pillar = pillar,
                    Biography = $"Works on {expertise} at {organisation.Name}, {organisation.City}. (Generated sample profile {i}.)",
                    Public = i % 10 != 0,
                    Sample = true,
                });
            }

            db.SaveChanges();
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A well-formed iD outside the blocks ORCID issues from (0000-0001… to 0000-0003…, 0009-…): no real person's.</summary>
    private static string SampleOrcid(int i)
    {
        string digits = $"000000000000{100 + i:000}";
        return $"0000-0000-0000-{digits[12..15]}{Orcid.CheckCharacter(digits)}";
    }
}
