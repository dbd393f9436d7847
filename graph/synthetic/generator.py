"""`creditfile generate`: a synthetic exchange folder with a realistic shape, deterministic for a seed.

Names and addresses from Faker zh_CN, real GB/T 2260 county codes, valid USCCs and resident ID numbers.
Leadership is heavy-tailed (a few people lead dozens of companies), ownership forms chains, and records,
list entries, repairs, removals and second-stage events spread over categories, severities, domains and years.
"""

from __future__ import annotations

import csv
import random
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from faker import Faker

from graph import regions
from graph.identifiers import USCC_ALPHABET, make_resident_id, make_uscc
from graph.ingest import exchange
from graph.synthetic.badrows import sprinkle

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter  # what csv.writer() returns, named only in the type stubs

TODAY = date(2026, 11, 26)  # generated histories end here, so a seed gives the same folder on any day
DOMAINS = ("拖欠农民工工资", "食品药品", "安全生产", "环境保护", "税收", "统计", "电子商务", "交通运输",
           "政府采购", "招标投标", "医疗保障", "产品质量")
LEGAL_FORMS = {"1": ("有限责任公司", "股份有限公司", "有限责任公司（自然人投资或控股）", "个人独资企业"),
               "2": ("个体工商户",), "3": ("农民专业合作社",)}
ORG_KINDS = (("9", "1", 0.86), ("9", "2", 0.06), ("9", "3", 0.02), ("5", "1", 0.03), ("1", "2", 0.03))
PENALTIES = ("警告", "通报批评", "罚款", "没收违法所得", "暂扣许可证件", "吊销许可证件", "限制开展生产经营活动")
VIOLATIONS = ("未按规定公示年度报告", "拖欠劳动报酬", "生产销售不合格产品", "违反安全生产规定", "虚假宣传",
              "偷逃税款", "超标排放污染物", "拒不履行生效判决", "未取得许可从事经营")
AUTHORITIES = (("市场监督管理局", "11"), ("税务局", "11"), ("应急管理局", "11"), ("生态环境局", "11"),
               ("人力资源和社会保障局", "11"), ("人民法院", "12"))
MEASURES = (
    ("M-BID-BAN", "限制参加政府采购和招标投标活动", "限制类", "BLACKLIST", ""),
    ("M-SUBSIDY-BAN", "限制申请财政性资金项目和政策性支持", "限制类", "BLACKLIST", ""),
    ("M-LEGALREP-BAN", "限制担任法定代表人、董事、监事、高级管理人员", "限制类", "BLACKLIST", ""),
    ("M-HONOUR-BAN", "限制参评评优评先", "限制类", "BLACKLIST", ""),
    ("M-WAGE-LICENCE", "依法限制新取得建筑业企业资质", "限制类", "BLACKLIST", "拖欠农民工工资"),
    ("M-FOOD-LICENCE", "从严审核食品药品生产经营许可", "限制类", "BLACKLIST", "食品药品"),
    ("M-SAFETY-STOP", "依法暂停审批新的安全生产许可", "限制类", "BLACKLIST", "安全生产"),
    ("M-TAX-INVOICE", "严格发票领用管理", "限制类", "BLACKLIST", "税收"),
    ("M-INSPECT", "列为重点监管对象，提高抽查比例和频次", "监管类", "KEY_ATTENTION", ""),
    ("M-REMIND", "开展提示性约谈", "监管类", "KEY_ATTENTION", ""),
    ("M-ENV-INSPECT", "加密环境执法检查频次", "监管类", "KEY_ATTENTION", "环境保护"),
    ("M-GREEN-LANE", "行政审批绿色通道、容缺受理", "激励类", "REDLIST", ""),
    ("M-FEWER-CHECKS", "降低抽查比例和频次", "激励类", "REDLIST", ""),
)


@dataclass
class Org:
    uscc: str
    region: str
    established: date
    legal_rep: int = -1


class Writers(AbstractContextManager["Writers"]):
    """One csv.writer per exchange file, header from the spec, rows streamed to disk; the files are open inside
    `with Writers(folder) as w:` and closed when it ends."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.writers: dict[str, CsvWriter] = {}
        self.counts = {spec.file: 0 for spec in exchange.SPECS}
        with ExitStack() as files:
            for spec in exchange.SPECS:
                handle = files.enter_context((folder / spec.file).open("w", encoding="utf-8", newline=""))
                self.writers[spec.file] = csv.writer(handle)
                self.writers[spec.file].writerow(spec.column_names)
            self._files = files.pop_all()  # all opened: closed by __exit__ from now on

    def __exit__(self, *exc_info: object) -> None:
        self._files.close()

    def row(self, file: str, **cells: object) -> None:
        spec = exchange.BY_FILE[file]
        self.writers[file].writerow([_cell(cells.get(c)) for c in spec.column_names])
        self.counts[file] += 1


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Generator:
    def __init__(self, orgs: int, seed: int):
        self.n = orgs
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.counties = regions.counties()
        self.orgs: list[Org] = []
        self.persons: list[str] = []
        self.person_ids: set[str] = set()
        # Heavy tail: "serial" leaders, each with a capacity drawn from a Pareto law (a few lead dozens of
        # companies, the largest about a hundred, however many organisations are generated).
        self.serial: list[list[int]] = []  # [person index, companies left]

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    def new_person(self, w: Writers) -> int:
        while True:
            birth = self.day(date(1950, 1, 1), date(2002, 12, 31))
            number = make_resident_id(self.rng.choice(self.counties), birth, self.rng.randrange(1, 1000))
            if number not in self.person_ids:
                break
        self.person_ids.add(number)
        self.persons.append(number)
        w.row("persons.csv", id_type="RESIDENT_ID", id_number=number, name=self.fake.name())
        return len(self.persons) - 1

    def leader(self, w: Writers) -> int:
        """Mostly a new person; one time in ten a serial leader, who leads until their capacity is used up."""
        if self.rng.random() >= 0.10:
            return self.new_person(w)
        open_ = [s for s in self.serial if s[1] > 0]
        if len(open_) < 20:  # keep a few serial leaders to choose from
            person = self.new_person(w)
            self.serial.append([person, min(120, int(2 * self.rng.paretovariate(1.1)))])
            return person
        chosen = max(self.rng.sample(open_, 3), key=lambda s: s[1])  # the busier ones grow faster
        chosen[1] -= 1
        return chosen[0]

    def organisation(self, w: Writers, index: int) -> Org:
        r, acc = self.rng.random(), 0.0
        for dept, cat, share in ORG_KINDS:  # noqa: B007 (the kind it stops at is used after the loop)
            acc += share
            if r <= acc:
                break
        region = self.rng.choice(self.counties)
        scrambled = (index * 7919 + 104729) % 31 ** 6  # a bijection on 0..31^6-1: unique codes for every index
        body = "MA" + "".join(USCC_ALPHABET[scrambled // 31 ** i % 31] for i in range(6))
        org = Org(make_uscc(dept, cat, region, body), region, self.day(date(1995, 1, 1), date(2025, 12, 31)))
        form = self.rng.choice(LEGAL_FORMS.get(cat, ("有限责任公司",))) if dept == "9" else \
            ("社会团体" if dept == "5" else "事业单位")
        status = self.rng.choices(("存续", "在业", "注销", "吊销"), (70, 20, 6, 4))[0]
        w.row("organisations.csv", uscc=org.uscc, name=self.fake.company(), legal_form=form,
              region_code=region if self.rng.random() < 0.1 else None, established_on=org.established,
              status=status, address=self.fake.address().replace("\n", " "))
        return org

    def roles(self, w: Writers, org: Org) -> None:
        start = org.established
        if self.rng.random() < 0.3:  # a former legal representative, then the current one
            former, change = self.leader(w), self.day(org.established + timedelta(days=1), TODAY)
            w.row("roles.csv", id_number=self.persons[former], uscc=org.uscc, role="LEGAL_REPRESENTATIVE",
                  title="执行董事", start_on=start, end_on=change - timedelta(days=1))
            start = change
        org.legal_rep = self.leader(w)
        w.row("roles.csv", id_number=self.persons[org.legal_rep], uscc=org.uscc, role="LEGAL_REPRESENTATIVE",
              title=self.rng.choice(("执行董事", "董事长", "经理")), start_on=start)
        if self.rng.random() < 0.3:
            w.row("roles.csv", id_number=self.persons[self.leader(w)], uscc=org.uscc, role="PRINCIPAL",
                  title="主要负责人", start_on=self.day(org.established, TODAY))
        executives: set[int] = set()
        for _ in range(self.rng.choice((0, 0, 1, 2))):
            person, title = self.leader(w), self.rng.choice(("监事", "董事", "财务负责人", "副总经理"))
            if person not in executives:  # the same key twice in a file is a rejected row
                executives.add(person)
                w.row("roles.csv", id_number=self.persons[person], uscc=org.uscc, role="EXECUTIVE", title=title,
                      start_on=org.established)

    def shareholdings(self, w: Writers, org: Org, index: int) -> None:
        holders = self.rng.choice((1, 1, 2, 2, 3))
        left = 100.0
        shares: dict[tuple[str, str], float] = {}  # a holder drawn twice holds both shares in one row (one key)
        for h in range(holders):
            share = left if h == holders - 1 else round(self.rng.uniform(10, left - 10 * (holders - h - 1)), 2)
            left = round(left - share, 2)
            if index > 0 and self.rng.random() < 0.25:  # an earlier organisation holds it: ownership chains
                holder = ("ORGANISATION", self.orgs[self.rng.randrange(index)].uscc)
            else:
                holder = ("PERSON", self.persons[org.legal_rep if h == 0 else self.leader(w)])
            shares[holder] = round(shares.get(holder, 0.0) + share, 2)
        for (kind, holder_id), share in shares.items():
            w.row("shareholdings.csv", holder_kind=kind, holder_id=holder_id, uscc=org.uscc, percent=share,
                  start_on=org.established)

    def records(self, w: Writers, org: Org, counter: list[int]) -> None:
        if self.rng.random() > 0.45:
            return
        for _ in range(min(12, int(self.rng.paretovariate(1.6)))):
            counter[0] += 1
            rid = f"R{counter[0]:08d}"
            category = self.rng.choices(exchange.CATEGORIES, (45, 10, 25, 6, 10, 4))[0]
            severity = self.rng.choices(exchange.SEVERITIES, (35, 45, 20))[0]
            if category == "SERIOUS_VIOLATION":
                severity = "SERIOUS"
            decided = self.day(max(org.established, date(2018, 1, 1)), TODAY)
            agency, dept = self.rng.choice(AUTHORITIES)
            city = regions.name(org.region[:4] + "00") or "某市"
            repaired = self.day(decided, TODAY) if self.rng.random() < 0.12 else None
            violation = self.rng.choice(VIOLATIONS)
            fine = round(self.rng.lognormvariate(0.5, 1.2), 4) if category == "ADMIN_PENALTY" else None
            w.row("records.csv", record_id=rid, category=category, severity=severity, subject_kind="ORGANISATION",
                  subject_id=org.uscc, document_no=f"{city[-3:]}{agency[:2]}罚〔{decided.year}〕{counter[0] % 997}号",
                  violation_type=violation, facts=f"经查，当事人{violation}。",
                  legal_basis="《中华人民共和国行政处罚法》", penalty_types=";".join(self.rng.sample(PENALTIES, 2)),
                  content="责令改正，并处罚款", fine_wan=fine, decided_on=decided,
                  repaired_on=repaired, revoked_on=self.day(decided, TODAY) if self.rng.random() < 0.02 else None,
                  authority_name=city + agency, authority_uscc=_agency_uscc(dept, org.region, agency),
                  source_name=city + "公共信用信息中心", source_uscc=_agency_uscc("12", org.region, "信用中心"))
            if self.rng.random() < 0.3:
                w.row("record_persons.csv", record_id=rid, id_number=self.persons[org.legal_rep], liability="主管人员")
            if repaired:
                self.event(w, "REPAIR_APPLIED", org.uscc, repaired - timedelta(days=20), record_id=rid)
                self.event(w, "REPAIR_GRANTED", org.uscc, repaired, record_id=rid)
            if severity == "GENERAL" and self.rng.random() < 0.4:
                due = decided + timedelta(days=30)
                self.event(w, "RECTIFICATION_ORDERED", org.uscc, decided, record_id=rid, due_on=due)
                if self.rng.random() < 0.7:
                    self.event(w, "RECTIFICATION_DONE", org.uscc, self.day(decided, due), record_id=rid)
            if severity == "SERIOUS" and self.rng.random() < 0.6:
                self.list_entry(w, org, "BLACKLIST", decided, rid)
            elif category == "ABNORMAL_OPERATION" and self.rng.random() < 0.4:
                self.list_entry(w, org, "KEY_ATTENTION", decided, rid)

    def list_entry(self, w: Writers, org: Org, list_type: str, listed: date, rid: str | None) -> None:
        self.entries += 1
        eid = f"L{self.entries:08d}"
        removed = self.day(listed, TODAY) if self.rng.random() < 0.2 else None
        valid = None if self.rng.random() < 0.5 else listed + timedelta(days=self.rng.choice((365, 730, 1095)))
        w.row("list_entries.csv", entry_id=eid, list_type=list_type, domain=self.rng.choice(DOMAINS),
              subject_kind="ORGANISATION", subject_id=org.uscc, listed_on=listed, valid_until=valid,
              removed_on=removed, reason="严重失信" if list_type == "BLACKLIST" else "列入经营异常名录",
              authority_name=(regions.name(org.region[:4] + "00") or "") + "发展和改革委员会", record_id=rid)
        kind = "WARNING" if list_type == "BLACKLIST" else "REMINDER"
        if list_type != "REDLIST" and self.rng.random() < 0.5:
            refused = self.rng.random() < 0.15
            self.event(w, "INTERVIEW_REFUSED" if refused else "INTERVIEW_HELD", org.uscc,
                       listed + timedelta(days=15), entry_id=eid, interview_kind=kind)
        if list_type == "BLACKLIST" and self.rng.random() < 0.3:
            self.event(w, "PUNISHMENT_INITIATED", org.uscc, listed, entry_id=eid, measure_code="M-BID-BAN")
            self.event(w, "PUNISHMENT_RESPONDED", org.uscc, listed + timedelta(days=5), entry_id=eid,
                       measure_code="M-BID-BAN")

    def event(self, w: Writers, event_type: str, uscc: str, day: date, **cells: object) -> None:
        self.events += 1
        w.row("events.csv", event_id=f"E{self.events:08d}", event_type=event_type, subject_kind="ORGANISATION",
              subject_id=uscc, occurred_on=min(day, TODAY), **cells)

    def person_records(self, w: Writers, counter: list[int]) -> None:
        """Court defaulters among persons: 失信被执行人 records against natural persons."""
        for _ in range(max(1, self.n // 100)):
            counter[0] += 1
            decided = self.day(date(2019, 1, 1), TODAY)
            w.row("records.csv", record_id=f"R{counter[0]:08d}", category="COURT_DEFAULTER", severity="SERIOUS",
                  subject_kind="PERSON", subject_id=self.rng.choice(self.persons),
                  document_no=f"（{decided.year}）执{counter[0]}号", decided_on=decided, authority_name="人民法院",
                  legal_basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》")

    def run(self, w: Writers) -> None:
        self.entries = self.events = 0
        for code, name, tier, list_type, domain in MEASURES:
            w.row("measures.csv", measure_code=code, name=name, tier=tier, legal_basis="发改办财金〔2018〕893号",
                  list_type=list_type, domain=domain, implementer_name="联合惩戒实施单位")
        counter = [0]
        for i in range(self.n):
            org = self.organisation(w, i)
            self.orgs.append(org)
            self.roles(w, org)
            self.shareholdings(w, org, i)
            self.records(w, org, counter)
            if self.rng.random() < 0.02:
                self.list_entry(w, org, "REDLIST", self.day(org.established, TODAY), None)
        self.person_records(w, counter)


def _agency_uscc(dept: str, region: str, salt: str) -> str:
    body = "".join(USCC_ALPHABET[(ord(ch) * 7 + i * 13) % 31] for i, ch in enumerate((salt * 8)[:8]))
    return make_uscc(dept[0], dept[1], region, body)


def generate(folder: Path, orgs: int, seed: int = 2026, bad_rows: int = 0) -> dict[str, int]:
    """Write the folder; the rows written to each file."""
    with Writers(folder) as writers:
        gen = Generator(orgs, seed)
        gen.run(writers)
        if bad_rows:
            sprinkle(writers, gen, bad_rows)
    return writers.counts
