"""What the importer says: a code and parameters, rendered in English or Indonesian.

The CLI prints English; the staff page shows Indonesian; the staff API carries the code, its
parameters and both sentences, so another client can render its own.
"""

from dataclasses import dataclass, field

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

# code -> (English, Indonesian); `{suggest}` sentences are appended by Message.text.
CATALOGUE = {
    # cells
    "required": ("is required", "wajib diisi"),
    "too_long": ("longer than {limit} characters", "lebih dari {limit} karakter"),
    "not_text": ("must be text, not a list", "harus berupa teks, bukan daftar"),
    "nul": ("contains a NUL character", "mengandung karakter NUL"),
    "date_format": ("'{value}' is not a date (use YYYY-MM-DD)",
                    "'{value}' bukan tanggal (tulis TTTT-BB-HH, mis. 2025-06-06)"),
    "date_no_month": ("'{value}' is not a date: there is no month {month}",
                      "'{value}' bukan tanggal: tidak ada bulan ke-{month}"),
    "date_no_day": ("'{value}' does not exist: {month_en} {year} has {days} days",
                    "tanggal '{value}' tidak ada: {month_id} {year} hanya {days} hari"),
    "date_range": ("date '{value}' is out of range (2000 to a year from today)",
                   "tanggal '{value}' di luar rentang (tahun 2000 sampai setahun ke depan)"),
    "unknown_rubric": ("unknown rubric '{value}'", "rubrik '{value}' tidak dikenal"),
    "unknown_category": ("unknown category '{value}'", "kategori '{value}' tidak dikenal"),
    "unknown_kecamatan": ("'{value}' is not a kecamatan of Kota Malang",
                          "'{value}' bukan kecamatan di Kota Malang"),
    "unknown_kelurahan": ("'{value}' is not a kelurahan of Kota Malang",
                          "'{value}' bukan kelurahan di Kota Malang"),
    "kelurahan_elsewhere": ("'{value}' is not in kecamatan {kecamatan} (it is in {actual})",
                            "'{value}' tidak berada di kecamatan {kecamatan} "
                            "(ada di kecamatan {actual})"),
    "slug_form": ("'{value}' must be lowercase ASCII words joined by hyphens",
                  "'{value}' harus huruf kecil tanpa aksen, kata dipisah tanda hubung"),
    "slug_underivable": ("cannot be derived from the name; give one",
                         "tidak bisa dibuat dari nama; isi sendiri"),
    "phone": ("'{value}' is not a phone number", "'{value}' bukan nomor telepon"),
    "mobile": ("'{value}' is not an Indonesian mobile number (08..., 62..., +62...)",
               "'{value}' bukan nomor HP Indonesia (08..., 62..., +62...)"),
    "instagram": ("'{value}' is not an Instagram handle or profile URL",
                  "'{value}' bukan nama akun atau tautan profil Instagram"),
    "web_address": ("'{value}' is not a web address", "'{value}' bukan alamat web"),
    "link": ("'{value}' is not a link (https://...)", "'{value}' bukan tautan (https://...)"),
    "whole_number": ("'{value}' is not a whole number", "'{value}' bukan bilangan bulat"),
    "too_large": ("'{value}' is too large (at most {limit})",
                  "'{value}' terlalu besar (paling banyak {limit})"),
    "year": ("'{value}' is not a plausible year", "'{value}' bukan tahun yang masuk akal"),
    "boolean": ("'{value}' is not true or false", "'{value}' bukan ya atau tidak"),
    "invalid": ("'{value}' is not valid: {detail}", "'{value}' tidak sah: {detail}"),
    # where and when
    "coordinate": ("'{value}' is not a {kind} in decimal degrees (e.g. -7.9666)",
                   "'{value}' bukan {kind_id} dalam derajat desimal (mis. -7.9666)"),
    "both_coordinates": ("give both latitude and longitude", "isi lintang dan bujur sekaligus"),
    "outside_city": ("{value} is outside Kota Malang (latitude -8.06 to -7.88, longitude "
                     "112.56 to 112.71)", "{value} di luar Kota Malang (lintang -8,06 s.d. "
                     "-7,88, bujur 112,56 s.d. 112,71)"),
    "opening_hours": ("'{value}' is not opening hours (e.g. 'Senin-Sabtu 08.00-17.00; Minggu "
                      "tutup' or 'Mo-Sa 08:00-17:00; Su off')", "'{value}' bukan jam buka (mis. "
                      "'Senin-Sabtu 08.00-17.00; Minggu tutup')"),
    "business_status": ("'{value}' is not a status (buka, tutup-sementara or tutup)",
                        "'{value}' bukan status (buka, tutup-sementara atau tutup)"),
    "verified_range": ("date '{value}' is in the future or before 2000",
                       "tanggal '{value}' di masa depan atau sebelum 2000"),
    "unknown_sentra": ("'{value}' is not a known sentra (see /api/v1/sentra)",
                       "'{value}' bukan sentra yang dikenal (lihat halaman /sentra)"),
    "unknown_subsector": ("'{value}' is not one of the 17 ekraf subsectors",
                          "'{value}' bukan salah satu dari 17 subsektor ekraf"),
    "price": ("'{value}' is not a price in rupiah (Rp10.000, 15rb, 1,5jt, Rp5.000 - Rp20.000)",
              "'{value}' bukan harga dalam rupiah (Rp10.000, 15rb, 1,5jt, Rp5.000 - Rp20.000)"),
    "price_order": ("'{value}': the lower price comes first",
                    "'{value}': tulis harga terendah lebih dulu"),
    "order_https": ("'{value}': only https:// links are accepted",
                    "'{value}': hanya tautan https:// yang diterima"),
    "order_platform": ("'{value}' is not an order platform ({platforms})",
                       "'{value}' bukan platform pemesanan ({platforms})"),
    "order_many": ("more than {limit} order links", "lebih dari {limit} tautan pesan"),
    "nib": ("'{value}' is not an NIB (13 digits)", "'{value}' bukan NIB (13 angka)"),
    "halal": ("'{value}' is not a halal certificate number (ID followed by digits)",
              "'{value}' bukan nomor sertifikat halal (ID diikuti angka)"),
    "pirt": ("'{value}' is not a P-IRT number (12 to 16 digits)",
             "'{value}' bukan nomor P-IRT (12 sampai 16 angka)"),
    "photo_missing": ("'{value}' is not in the zip", "'{value}' tidak ada di dalam berkas .zip"),
    "photo_refused": ("'{value}' is not a usable photo: {detail}",
                      "'{value}' bukan foto yang bisa dipakai: {detail}"),
    "deleted": ("'{value}' was deleted by staff; restore it first",
                "'{value}' sudah dihapus staf; pulihkan dulu"),
    # whole rows
    "extra_cells": ("{cells} cells for {columns} columns", "{cells} sel untuk {columns} kolom"),
    "not_object": ("each entry must be an object", "setiap entri harus berupa objek"),
    "features_list": ("features must be a non-empty list",
                      "features harus berupa daftar yang tidak kosong"),
    "feature_object": ("each feature must be an object",
                       "setiap isi features harus berupa objek"),
    # warnings
    "unknown_column": ("column '{value}' is not part of the format and was ignored",
                       "kolom '{value}' bukan bagian dari format dan diabaikan"),
    "encoding": ("the file is not UTF-8; read as {encoding} (Excel's plain \"CSV\" save): "
                 "check names with accents, or save as \"CSV UTF-8\" next time",
                 "berkas bukan UTF-8; dibaca sebagai {encoding} (simpanan \"CSV\" biasa dari "
                 "Excel): periksa nama beraksen, atau lain kali simpan sebagai \"CSV UTF-8\""),
    "products_commas": ("'{value}' is read as one product: products are separated by ';'",
                        "'{value}' dibaca sebagai satu produk: pisahkan produk dengan ';'"),
    "photos_outside_zip": ("column 'photos' was ignored: photos come in a .zip with the sheet",
                           "kolom 'foto' diabaikan: foto dikirim dalam berkas .zip bersama "
                           "spreadsheet"),
    "duplicate_row": ("repeats line {first}: the same business, rubric and date",
                      "mengulang baris {first}: usaha, rubrik dan tanggal yang sama"),
}
SUGGESTION = ("; did you mean '{suggest}'?", "; mungkin maksudnya '{suggest}'?")
LANGUAGES = ("en", "id")


@dataclass(frozen=True)
class Message:
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=True)

    def text(self, language: str = "en") -> str:
        """Render the message in `language` ("en" or "id")."""
        which = LANGUAGES.index(language)
        sentence = CATALOGUE[self.code][which].format(**self.params)
        if self.params.get("suggest"):
            sentence += SUGGESTION[which].format(**self.params)
        return sentence

    def __str__(self) -> str:
        return self.text("en")


class Invalid(ValueError):
    """A value the format refuses; str() is the English reason (the staff API's forms)."""

    def __init__(self, code: str, **params):
        self.message = Message(code, params)
        super().__init__(self.message.text("en"))


@dataclass(frozen=True)
class Note:
    """One remark of an import report: where (line, column) and what (the message)."""

    line: int | None
    field: str | None  # the format's column name (`district`), or "row" for a whole row
    message: Message
    column: str | None = None  # the column as the file's header wrote it (`kecamatan`)

    def __post_init__(self):
        if self.column is None:
            object.__setattr__(self, "column", self.field)

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> dict:
        return self.message.params

    @property
    def reason(self) -> str:
        return self.message.text("en")

    @property
    def reason_id(self) -> str:
        return self.message.text("id")

    def __str__(self) -> str:
        where = []
        if self.line is not None:  # a note on the whole file names its column itself
            where.append(f"line {self.line}")
            if self.column and self.field != "row":
                where.append(self.column)
        return ": ".join([*where, self.reason])
