# %% [markdown]
# # 연습문제 2 · 변수에 값 할당하기 (코드 3-6 ~ 3-8)
#
# 상수 텐서는 한 번 만들면 바꿀 수 없지만, **변수**(`tf.Variable`)는 만든 뒤에도 담긴 값을
# 바꿀 수 있습니다. 모델을 훈련한다는 것은 결국 가중치 변수의 값을 조금씩 고쳐 나가는 일이므로,
# 변수의 값을 바꾸는 방법을 익혀 두어야 합니다.
#
# 핵심은 `v = ...`처럼 **이름에 새 값을 다시 대입하는 것이 아니라**, 변수 객체가 가진
# `assign` 계열 메서드로 **그 자리에서(in place)** 값을 바꾸는 것입니다. 이름에 다시 대입하면
# 함수 밖에서 건네준 원래 변수는 그대로 남습니다.
#
# 이 연습에서 구현할 것 (모두 받은 변수 `v`를 직접 바꾸고 `v`를 반환합니다):
#
# | 함수 | 하는 일 |
# |---|---|
# | `assign_ones(v)` | `v`의 모든 원소를 1로 바꾸기 |
# | `assign_element(v, index, value)` | `v[index]` 원소 하나만 `value`로 바꾸기 |
# | `increase(v, delta)` | `v`에 `delta`를 더하기 (`assign_add`) |
# | `decrease(v, delta)` | `v`에서 `delta`를 빼기 (`assign_sub`) |

# %%
import tensorflow as tf

# %% [markdown]
# ## 변수 전체에 새 값 할당하기 (코드 3-6)
#
# `v.assign(새_값)`은 변수 `v`가 담고 있는 값을 통째로 `새_값`으로 바꿉니다. 새 값의 shape은
# 변수의 shape과 같아야 합니다. 변수의 shape은 `v.shape`으로 알 수 있으니, 이 shape의
# 1로 채운 텐서를 만들어 할당하면 됩니다. 변수의 shape을 직접 숫자로 적지 마세요:
# 어떤 shape의 변수가 들어와도 동작해야 합니다.


# %%
def assign_ones(v):
    """변수 v의 모든 원소를 1로 바꾸고(제자리 할당) v를 반환합니다."""
    v.assign(tf.ones(shape=v.shape, dtype=v.dtype))
    return v


# %% [markdown]
# ## 변수의 일부에만 할당하기 (코드 3-7)
#
# 넘파이 배열처럼 인덱스로 변수의 일부를 고른 뒤 그 부분에 `assign`을 호출할 수 있습니다.
# `v[index] = value`처럼 쓰면 3-4에서 본 것과 같은 오류가 나니, 반드시 `assign` 메서드를
# 거쳐야 합니다. 고르지 않은 나머지 원소는 그대로 유지됩니다. `index`는 `(0, 2)` 같은
# 정수 튜플입니다.


# %%
def assign_element(v, index, value):
    """변수 v의 v[index] 원소만 value로 바꾸고 v를 반환합니다."""
    v[index].assign(value)
    return v


# %% [markdown]
# ## 더하고 빼서 할당하기 (코드 3-8)
#
# 현재 값에 무언가를 더하거나 빼서 다시 저장하는 일은 아주 흔합니다 (경사 하강법이 바로
# 가중치에서 그레이디언트에 비례하는 양을 빼는 일입니다). `v.assign_add(x)`는 `v += x`,
# `v.assign_sub(x)`는 `v -= x`와 같은 효과를 내면서 변수를 제자리에서 바꿉니다.
# `assign`을 쓰면 더해지는 것이 아니라 값이 **바뀌어 버리니** 주의하세요.


# %%
def increase(v, delta):
    """assign_add로 변수 v에 delta를 더하고(v += delta) v를 반환합니다."""
    v.assign_add(delta)
    return v


def decrease(v, delta):
    """assign_sub로 변수 v에서 delta를 빼고(v -= delta) v를 반환합니다."""
    v.assign_sub(delta)
    return v
