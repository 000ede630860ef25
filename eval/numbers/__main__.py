from eval.numbers.numerals import compare
from eval.numbers.time_money import compare_money, compare_time


def main() -> None:
    for title, scores in (("figures", compare()), ("time words → years", compare_time()), ("money → 元", compare_money())):
        print(f"== {title}")
        for s in scores:
            print(f"  {s.name:45} {s.correct}/{s.n} = {s.accuracy:.3f}   {s.per_second:,.0f} spans/s")
        for s in scores:
            for line in s.wrong:
                print(f"    [{s.name}] {line}")


if __name__ == "__main__":
    main()
