import sys


def accuracy(pred: list[int], gold: list[int]) -> float:
    return sum(p == g for p, g in zip(pred, gold)) / max(len(gold), 1)


if __name__ == "__main__":
    print(accuracy([1, 0], [1, 1]), file=sys.stderr)
