"""Minato City's ward-office organisation (港区組織), used to seed Department rows.

Source: a snapshot of the organisation as it stood in 令和5-6年度 (2023-2024).

- Units named in the appendix (別表 and the デジタル活用検討部会 member list) of the ward's
  港区DX推進計画 (/work/shared/seed/000_7eacda2776830076.txt, around lines 4090-4150):
  企画経営部 (企画課, 区役所改革担当, デジタル改革担当, 情報政策課), 芝地区総合支所
  (区民課, 管理課), 産業・地域振興支援部地域振興課, 保健福祉支援部保健福祉課,
  みなと保健所生活衛生課, 子ども家庭支援部子ども政策課, 街づくり支援部都市計画課,
  環境リサイクル支援部環境課, 防災危機管理室防災課, 総務部総務課, and
  教育委員会事務局 (教育推進部教育長室, 学校教育部学務課).
- The five 地区総合支所 and seven 部: 港区総合支所及び部の設置等に関する条例
  (平成17年条例第62号) 第1条. The 課 of each 部: 港区組織規則 (平成18年規則第31号)
  第7条, which places 税務課 in 産業・地域振興支援部, not in 総務部.
- Current unit and 担当 names (e.g. 生涯学習スポーツ振興課, 子ども若者支援課, 児童相談所,
  連携協創担当, 用地・施設活用担当, 危機管理・生活安全担当, the 総合支所 協働推進課 and
  まちづくり課, 会計室, 監査事務局, 選挙管理委員会事務局): the 出席説明員 rosters of 港区議会
  standing committees in 2023-2024, checked against general knowledge of 港区組織図.
- English names follow the ward's usual English renderings where known, otherwise a plain
  translation ("Division" for 課, "Section" for 担当, "Department" for 部).

デジタル改革担当部長 is a post (a 担当部長 under 企画経営部, held concurrently), not a unit,
so it is not modelled; its staff sit in 企画経営部デジタル改革担当. 担当 units are named by
their unit name ("区役所改革担当"); their heads carry the title "…担当課長". Posts held only
concurrently (兼務), e.g. 政策広聴担当 or 地域医療連携担当, are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unit:
    # Stable ASCII slug, unique across the whole tree; child code = parent code + "." + slug.
    code: str
    # Official Japanese name; for sections the short name ("区民課", not "芝地区総合支所区民課").
    name_ja: str
    # English name as the ward would translate it.
    name_en: str
    # "department" (部・室・局・支所・保健所 level) or "section" (課・担当・所 level).
    kind: str
    children: tuple[Unit, ...] = field(default_factory=tuple)
    # True only for units that routinely view resident registry data:
    # the five 区民課, 国保年金課 and 税務課.
    handles_resident_records: bool = False


DEPARTMENT = "department"
SECTION = "section"


def _branch_office(slug: str, name_ja: str, name_en: str) -> Unit:
    """A 地区総合支所 with its four sections (管理課, 協働推進課, 区民課, まちづくり課)."""
    return Unit(
        slug,
        name_ja,
        name_en,
        DEPARTMENT,
        (
            Unit(f"{slug}.kanri", "管理課", "Management Division", SECTION),
            Unit(
                f"{slug}.kyodo-suishin", "協働推進課", "Collaboration Promotion Division", SECTION
            ),
            Unit(
                f"{slug}.kumin",
                "区民課",
                "Residents Division",
                SECTION,
                handles_resident_records=True,
            ),
            Unit(f"{slug}.machizukuri", "まちづくり課", "Community Development Division", SECTION),
        ),
    )


ORGANISATION: tuple[Unit, ...] = (
    # --- 地区総合支所 (five branch offices) ---------------------------------------------
    _branch_office("shiba", "芝地区総合支所", "Shiba Municipal Branch Office"),
    _branch_office("azabu", "麻布地区総合支所", "Azabu Municipal Branch Office"),
    _branch_office("akasaka", "赤坂地区総合支所", "Akasaka Municipal Branch Office"),
    _branch_office("takanawa", "高輪地区総合支所", "Takanawa Municipal Branch Office"),
    _branch_office(
        "shibaura-konan", "芝浦港南地区総合支所", "Shibaura-Konan Municipal Branch Office"
    ),
    # --- 支援部 (support departments) -----------------------------------------------
    Unit(
        "sangyo-chiiki-shinko",
        "産業・地域振興支援部",
        "Industry and Community Promotion Support Department",
        DEPARTMENT,
        (
            Unit(
                "sangyo-chiiki-shinko.chiiki-shinko",
                "地域振興課",
                "Community Promotion Division",
                SECTION,
            ),
            Unit(
                "sangyo-chiiki-shinko.sangyo-shinko",
                "産業振興課",
                "Industry Promotion Division",
                SECTION,
            ),
            Unit(
                "sangyo-chiiki-shinko.kanko-seisaku",
                "観光政策担当",
                "Tourism Policy Section",
                SECTION,
            ),
            Unit(
                "sangyo-chiiki-shinko.zeimu",
                "税務課",
                "Taxation Division",
                SECTION,
                handles_resident_records=True,
            ),
            Unit(
                "sangyo-chiiki-shinko.kokusaika-bunka-geijutsu",
                "国際化・文化芸術担当",
                "Internationalization, Culture and Arts Section",
                SECTION,
            ),
        ),
    ),
    Unit(
        "hoken-fukushi-shien",
        "保健福祉支援部",
        "Health and Welfare Support Department",
        DEPARTMENT,
        (
            Unit(
                "hoken-fukushi-shien.hoken-fukushi",
                "保健福祉課",
                "Health and Welfare Division",
                SECTION,
            ),
            Unit(
                "hoken-fukushi-shien.fukushi-shisetsu-seibi",
                "福祉施設整備担当",
                "Welfare Facilities Development Section",
                SECTION,
            ),
            Unit(
                "hoken-fukushi-shien.koreisha-shien",
                "高齢者支援課",
                "Elderly Support Division",
                SECTION,
            ),
            Unit(
                "hoken-fukushi-shien.kaigo-hoken",
                "介護保険課",
                "Long-Term Care Insurance Division",
                SECTION,
            ),
            Unit(
                "hoken-fukushi-shien.shogaisha-fukushi",
                "障害者福祉課",
                "Welfare for Persons with Disabilities Division",
                SECTION,
            ),
            Unit(
                "hoken-fukushi-shien.seikatsu-fukushi-chosei",
                "生活福祉調整課",
                "Livelihood Welfare Coordination Division",
                SECTION,
            ),
            Unit(
                "hoken-fukushi-shien.kokuho-nenkin",
                "国保年金課",
                "National Health Insurance and Pension Division",
                SECTION,
                handles_resident_records=True,
            ),
        ),
    ),
    Unit(
        "minato-hokenjo",
        "みなと保健所",
        "Minato Public Health Center",
        DEPARTMENT,
        (
            Unit(
                "minato-hokenjo.seikatsu-eisei",
                "生活衛生課",
                "Environmental Health Division",
                SECTION,
            ),
            Unit(
                "minato-hokenjo.hoken-yobo",
                "保健予防課",
                "Health and Disease Prevention Division",
                SECTION,
            ),
            Unit(
                "minato-hokenjo.kenko-suishin",
                "健康推進課",
                "Health Promotion Division",
                SECTION,
            ),
        ),
    ),
    Unit(
        "kodomo-katei-shien",
        "子ども家庭支援部",
        "Children and Family Support Department",
        DEPARTMENT,
        (
            Unit(
                "kodomo-katei-shien.kodomo-seisaku",
                "子ども政策課",
                "Children's Policy Division",
                SECTION,
            ),
            Unit(
                "kodomo-katei-shien.kodomo-wakamono-shien",
                "子ども若者支援課",
                "Children and Youth Support Division",
                SECTION,
            ),
            Unit("kodomo-katei-shien.hoiku", "保育課", "Childcare Division", SECTION),
            Unit(
                "kodomo-katei-shien.kodomo-katei-shien-center",
                "子ども家庭支援センター",
                "Children and Family Support Center",
                SECTION,
            ),
            Unit(
                "kodomo-katei-shien.jido-sodanjo",
                "児童相談所",
                "Child Guidance Center",
                SECTION,
            ),
        ),
    ),
    Unit(
        "machizukuri-shien",
        "街づくり支援部",
        "Urban Development Support Department",
        DEPARTMENT,
        (
            Unit(
                "machizukuri-shien.toshi-keikaku",
                "都市計画課",
                "Urban Planning Division",
                SECTION,
            ),
            Unit(
                "machizukuri-shien.saikaihatsu",
                "再開発担当",
                "Redevelopment Section",
                SECTION,
            ),
            Unit("machizukuri-shien.jutaku", "住宅課", "Housing Division", SECTION),
            Unit("machizukuri-shien.kenchiku", "建築課", "Building Division", SECTION),
            Unit(
                "machizukuri-shien.doboku-kanri",
                "土木管理課",
                "Public Works Management Division",
                SECTION,
            ),
            Unit("machizukuri-shien.doboku", "土木課", "Public Works Division", SECTION),
            Unit(
                "machizukuri-shien.kaihatsu-shido",
                "開発指導課",
                "Development Guidance Division",
                SECTION,
            ),
            Unit(
                "machizukuri-shien.chiiki-kotsu",
                "地域交通課",
                "Community Transportation Division",
                SECTION,
            ),
        ),
    ),
    Unit(
        "kankyo-risaikuru-shien",
        "環境リサイクル支援部",
        "Environment and Recycling Support Department",
        DEPARTMENT,
        (
            Unit("kankyo-risaikuru-shien.kankyo", "環境課", "Environment Division", SECTION),
            Unit(
                "kankyo-risaikuru-shien.chikyu-ondanka-taisaku",
                "地球温暖化対策担当",
                "Global Warming Countermeasures Section",
                SECTION,
            ),
            Unit(
                "kankyo-risaikuru-shien.minato-risaikuru-seiso",
                "みなとリサイクル清掃事務所",
                "Minato Recycling and Cleaning Office",
                SECTION,
            ),
        ),
    ),
    # --- 企画経営部・防災危機管理室・総務部 -------------------------------------------
    Unit(
        "kikaku-keiei",
        "企画経営部",
        "Planning and Management Department",
        DEPARTMENT,
        (
            Unit("kikaku-keiei.kikaku", "企画課", "Planning Division", SECTION),
            Unit(
                "kikaku-keiei.kuyakusho-kaikaku",
                "区役所改革担当",
                "City Office Reform Section",
                SECTION,
            ),
            Unit(
                "kikaku-keiei.dejitaru-kaikaku",
                "デジタル改革担当",
                "Digital Reform Section",
                SECTION,
            ),
            Unit(
                "kikaku-keiei.renkei-kyoso",
                "連携協創担当",
                "Partnership and Co-creation Section",
                SECTION,
            ),
            Unit("kikaku-keiei.kucho-shitsu", "区長室", "Mayor's Office", SECTION),
            Unit("kikaku-keiei.zaisei", "財政課", "Finance Division", SECTION),
            Unit("kikaku-keiei.shisetsu", "施設課", "Facilities Division", SECTION),
            Unit(
                "kikaku-keiei.joho-seisaku",
                "情報政策課",
                "Information Policy Division",
                SECTION,
            ),
            Unit(
                "kikaku-keiei.yochi-shisetsu-katsuyo",
                "用地・施設活用担当",
                "Land and Facility Utilization Section",
                SECTION,
            ),
        ),
    ),
    Unit(
        "bosai-kiki-kanri",
        "防災危機管理室",
        "Disaster Prevention and Crisis Management Office",
        DEPARTMENT,
        (
            Unit("bosai-kiki-kanri.bosai", "防災課", "Disaster Prevention Division", SECTION),
            Unit(
                "bosai-kiki-kanri.kiki-kanri-seikatsu-anzen",
                "危機管理・生活安全担当",
                "Crisis Management and Community Safety Section",
                SECTION,
            ),
        ),
    ),
    Unit(
        "somu",
        "総務部",
        "General Affairs Department",
        DEPARTMENT,
        (
            Unit("somu.somu", "総務課", "General Affairs Division", SECTION),
            Unit(
                "somu.jinken-danjo-byodo-sankaku",
                "人権・男女平等参画担当",
                "Human Rights and Gender Equality Section",
                SECTION,
            ),
            Unit("somu.jinji", "人事課", "Personnel Division", SECTION),
            Unit(
                "somu.keiyaku-kanzai",
                "契約管財課",
                "Contracts and Property Management Division",
                SECTION,
            ),
        ),
    ),
    Unit("kaikei", "会計室", "Accounting Office", DEPARTMENT),
    # --- 行政委員会・議会の事務局 -----------------------------------------------------
    Unit(
        "kyoiku-iinkai",
        "教育委員会事務局",
        "Board of Education Secretariat",
        DEPARTMENT,
        (
            Unit(
                "kyoiku-iinkai.kyoiku-suishin",
                "教育推進部",
                "Education Promotion Department",
                DEPARTMENT,
                (
                    Unit(
                        "kyoiku-iinkai.kyoiku-suishin.kyoikucho-shitsu",
                        "教育長室",
                        "Office of the Superintendent of Education",
                        SECTION,
                    ),
                    Unit(
                        "kyoiku-iinkai.kyoiku-suishin.shogai-gakushu-supotsu-shinko",
                        "生涯学習スポーツ振興課",
                        "Lifelong Learning and Sports Promotion Division",
                        SECTION,
                    ),
                    Unit(
                        "kyoiku-iinkai.kyoiku-suishin.tosho-bunkazai",
                        "図書文化財課",
                        "Libraries and Cultural Properties Division",
                        SECTION,
                    ),
                ),
            ),
            Unit(
                "kyoiku-iinkai.gakko-kyoiku",
                "学校教育部",
                "School Education Department",
                DEPARTMENT,
                (
                    Unit(
                        "kyoiku-iinkai.gakko-kyoiku.gakumu",
                        "学務課",
                        "School Affairs Division",
                        SECTION,
                    ),
                    Unit(
                        "kyoiku-iinkai.gakko-kyoiku.gakko-shisetsu",
                        "学校施設担当",
                        "School Facilities Section",
                        SECTION,
                    ),
                    Unit(
                        "kyoiku-iinkai.gakko-kyoiku.kyoiku-shido",
                        "教育指導課",
                        "Educational Guidance Division",
                        SECTION,
                    ),
                ),
            ),
        ),
    ),
    Unit(
        "senkyo-kanri-iinkai",
        "選挙管理委員会事務局",
        "Election Administration Commission Secretariat",
        DEPARTMENT,
    ),
    Unit("kansa", "監査事務局", "Audit Secretariat", DEPARTMENT),
    Unit("kugikai", "区議会事務局", "City Assembly Secretariat", DEPARTMENT),
)


def iter_units(
    units: tuple[Unit, ...] = ORGANISATION, parent: Unit | None = None
) -> Iterator[tuple[Unit, Unit | None]]:
    """Yield (unit, parent) pairs depth-first, parents before children."""
    for unit in units:
        yield unit, parent
        yield from iter_units(unit.children, unit)
