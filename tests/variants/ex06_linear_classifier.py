from tests.variants import Variant, correct

E = "ex06_linear_classifier"
FIT_HEAD = (
    "def fit(inputs, targets, steps=40, learning_rate=0.1):\n"
    '    """새 파라미터로 steps번 훈련하고 (W, b, 스텝별 손실 리스트)를 반환합니다."""\n'
    "    ### BEGIN SOLUTION\n"
)
PLOT_POINTS = 'ax.scatter(points[:, 0], points[:, 1], c=predicted_class, cmap="coolwarm", s=8)\n'
PLOT_LINE = '    ax.plot(x, slope * x + intercept, "-r", label="w1*x + w2*y + b = 0.5")\n'
VARIANTS = [
    Variant(
        E,
        "classes_swapped",
        "mean=[0, 3], cov=cov, size=num_samples_per_class)\n"
        "    positive_samples = rng.multivariate_normal(mean=[3, 0]",
        "mean=[3, 0], cov=cov, size=num_samples_per_class)\n"
        "    positive_samples = rng.multivariate_normal(mean=[0, 3]",
        "순서가 바뀌었습니다",
    ),
    Variant(
        E, "identity_covariance", "cov = [[1, 0.5], [0.5, 1]]", "cov = [[1, 0], [0, 1]]", "공분산"
    ),
    Variant(
        E,
        "seed_ignored",
        "rng = np.random.default_rng(seed)",
        "rng = np.random.default_rng(42)",
        "seed=None",
    ),
    Variant(
        E,
        "inputs_float64",
        "inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)",
        "inputs = np.vstack((negative_samples, positive_samples))",
        "astype(np.float32)",
    ),
    Variant(
        E,
        "normal_weights",
        "tf.random.uniform(shape=(input_dim, output_dim))",
        "tf.random.normal(shape=(input_dim, output_dim))",
        "tf.random.uniform",
        # whether 40 steps from a normal W converge is the student's own draw
        random_verdicts=(
            "test_fit_book_data",
            "test_fit_swapped_classes",
            "test_fit_mirrored_classes",
        ),
    ),
    Variant(
        E,
        "forgot_bias",
        "return tf.matmul(inputs, W) + b",
        "return tf.matmul(inputs, W)",
        "편향 b를 더하지 않았습니다",
    ),
    Variant(
        E,
        "reduce_sum_loss",
        "return tf.reduce_mean(per_sample_losses)",
        "return tf.reduce_sum(per_sample_losses)",
        "reduce_mean",
    ),
    Variant(
        E,
        "gradient_ascent",
        "W.assign_sub(grad_loss_wrt_W * learning_rate)",
        "W.assign_add(grad_loss_wrt_W * learning_rate)",
        "경사 상승법",
    ),
    Variant(
        E,
        "hard_coded_learning_rate",
        "W.assign_sub(grad_loss_wrt_W * learning_rate)",
        "W.assign_sub(grad_loss_wrt_W * 0.1)",
        "learning_rate 인자",
    ),
    Variant(
        E,
        "rebinds_instead_of_assign",
        "    W.assign_sub(grad_loss_wrt_W * learning_rate)\n"
        "    b.assign_sub(grad_loss_wrt_b * learning_rate)\n",
        "    W = W - grad_loss_wrt_W * learning_rate\n"
        "    b = b - grad_loss_wrt_b * learning_rate\n",
        "assign_sub",
    ),
    Variant(
        E,
        "loss_after_update",
        "    return loss\n    ### END SOLUTION\n\n\n# %% [markdown]\n# ## 배치",
        "    return square_loss(targets, model(inputs, W, b))\n    ### END SOLUTION\n\n\n"
        "# %% [markdown]\n# ## 배치",
        "업데이트한 뒤의 손실",
    ),
    Variant(
        E,
        "fit_default_rate_diverges",
        "def fit(inputs, targets, steps=40, learning_rate=0.1):",
        "def fit(inputs, targets, steps=40, learning_rate=0.5):",
        "발산",
    ),
    Variant(
        E,
        "fit_too_few_steps",
        "    for _ in range(steps):",
        "    for _ in range(min(steps, 10)):",
        "steps",
    ),
    Variant(
        E,
        "fit_trains_on_own_data",
        "    W, b = init_parameters(input_dim=2, output_dim=1)\n",
        "    W, b = init_parameters(input_dim=2, output_dim=1)\n"
        "    inputs, targets = make_dataset()\n",
        "새로 뽑은 데이터",
        # on book data, how well a model of its own fresh book-like draw does is that draw's luck
        random_verdicts=("test_fit_book_data",),
    ),
    Variant(E, "slope_sign", "slope = -w1 / w2", "slope = w1 / w2", "부호"),
    Variant(
        E,
        "intercept_ignores_threshold",
        "intercept = (threshold - bias) / w2",
        "intercept = (0.5 - bias) / w2",
        "절편",
    ),
    Variant(
        E,
        "plot_threshold_zero",
        "predicted_class = np.asarray(predictions[:, 0] > 0.5)",
        "predicted_class = np.asarray(predictions[:, 0] > 0)",
        "예측한 클래스와 맞지 않습니다",
    ),
    Variant(
        E,
        "plot_continuous_colours",
        "c=predicted_class,",
        "c=np.asarray(predictions[:, 0]),",
        "두 가지 색",
    ),
    Variant(
        E,
        "plot_no_line",
        '    ax.plot(x, slope * x + intercept, "-r", label="w1*x + w2*y + b = 0.5")\n',
        "",
        "결정 경계 직선",
    ),
    Variant(
        E,
        "plot_line_at_zero",
        "slope, intercept = decision_boundary(W, b)",
        "slope, intercept = decision_boundary(W, b, 0.0)",
        "= 0을 따릅니다",
    ),
    Variant(
        E,
        "plot_subset_of_points",
        "ax.scatter(points[:, 0], points[:, 1], c=predicted_class,",
        "ax.scatter(points[::2, 0], points[::2, 1], c=predicted_class[::2],",
        "모든 점",
    ),
    # --- false passes (issue 9, item 2)
    # Book-style globals: every fit continues from where the previous one stopped.
    Variant(
        E,
        "fit_trains_globals",
        FIT_HEAD + "    W, b = init_parameters(input_dim=2, output_dim=1)\n",
        "W, b = init_parameters(input_dim=2, output_dim=1)\n\n\n" + FIT_HEAD,
        "이전에 호출한 fit",
    ),
    # steps - 1 updates, yet steps losses: the last one measured after the loop.
    Variant(
        E,
        "fit_steps_minus_one_updates",
        "    for _ in range(steps):\n"
        "        loss = training_step(inputs, targets, W, b, learning_rate)\n"
        "        losses.append(float(loss))\n",
        "    for _ in range(steps - 1):\n"
        "        loss = training_step(inputs, targets, W, b, learning_rate)\n"
        "        losses.append(float(loss))\n"
        "    losses.append(float(square_loss(targets, model(inputs, W, b))))\n",
        "업데이트 횟수",
    ),
    Variant(
        E,
        "fit_ignores_learning_rate",
        "loss = training_step(inputs, targets, W, b, learning_rate)",
        "loss = training_step(inputs, targets, W, b)",
        "learning_rate 인자를 쓰지 않고",
    ),
    # One noise cloud shifted to both means: the two classes are perfectly correlated.
    Variant(
        E,
        "dataset_one_noise_cloud",
        "    negative_samples = rng.multivariate_normal(mean=[0, 3], cov=cov, size=num_samples_per_class)\n"
        "    positive_samples = rng.multivariate_normal(mean=[3, 0], cov=cov, size=num_samples_per_class)\n",
        "    noise = rng.multivariate_normal(mean=[0, 0], cov=cov, size=num_samples_per_class)\n"
        "    negative_samples = noise + [0, 3]\n"
        "    positive_samples = noise + [3, 0]\n",
        "독립",
    ),
    Variant(
        E,
        "losses_as_tensors",
        "losses.append(float(loss))",
        "losses.append(loss)",
        "파이썬 실수(float)",
    ),
    # --- seed-dependent verdicts (item 1): colours from the data order, not the prediction.
    Variant(
        E,
        "plot_colours_by_true_label",
        "predicted_class = np.asarray(predictions[:, 0] > 0.5)",
        "predicted_class = np.arange(len(points)) >= len(points) // 2",
        "예측한 클래스와 맞지 않습니다",
    ),
    # --- correct styles the graders must accept (item 3)
    correct(E, "plot_axline", PLOT_LINE, '    ax.axline((0, intercept), slope=slope, color="r")\n'),
    correct(
        E,
        "plot_contour_at_half",
        PLOT_LINE,
        "    xx, yy = np.meshgrid(np.linspace(points[:, 0].min(), points[:, 0].max(), 60),\n"
        "                         np.linspace(points[:, 1].min(), points[:, 1].max(), 60))\n"
        "    grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)\n"
        "    zz = model(grid, W, b).numpy().reshape(xx.shape)\n"
        '    ax.contour(xx, yy, zz, levels=[0.5], colors="r")\n',
    ),
    correct(
        E,
        "plot_points_per_class_with_plot",
        PLOT_POINTS,
        'ax.plot(points[~predicted_class, 0], points[~predicted_class, 1], "o", markersize=3)\n'
        '    ax.plot(points[predicted_class, 0], points[predicted_class, 1], "o", markersize=3)\n',
    ),
    # One ax.plot per point, as a loop over the data: hundreds of marker sets.
    correct(
        E,
        "plot_each_point_by_itself",
        PLOT_POINTS,
        "for point, cls in zip(points, predicted_class):\n"
        '        ax.plot(point[0], point[1], "o", color="tab:orange" if cls else "tab:blue")\n',
    ),
    correct(
        E,
        "plot_extra_centre_markers",
        PLOT_POINTS,
        PLOT_POINTS + '    ax.scatter([0, 3], [3, 0], marker="x", s=80, c="k")\n',
    ),
    correct(
        E,
        "plot_scatter_per_class_and_centres",
        PLOT_POINTS,
        'ax.scatter(points[~predicted_class, 0], points[~predicted_class, 1], c="tab:blue")\n'
        '    ax.scatter(points[predicted_class, 0], points[predicted_class, 1], c="tab:orange")\n'
        "    for cls in (False, True):\n"
        "        centre = points[predicted_class == cls].mean(axis=0)\n"
        '        ax.plot(centre[0], centre[1], "k*", markersize=12)\n',
    ),
    correct(
        E,
        "plot_scatter_per_class_and_centre_scatter",
        PLOT_POINTS,
        "ax.scatter(points[~predicted_class, 0], points[~predicted_class, 1], s=8)\n"
        "    ax.scatter(points[predicted_class, 0], points[predicted_class, 1], s=8)\n"
        '    ax.scatter([0.0, 3.0], [3.0, 0.0], c="k", marker="x", s=60)\n',
    ),
    correct(
        E,
        "plot_dense_line",
        "x = np.linspace(points[:, 0].min(), points[:, 0].max(), 100)",
        "x = np.linspace(points[:, 0].min(), points[:, 0].max(), 1_300_000)",
    ),
    correct(
        E,
        "losses_via_numpy_item",
        "losses.append(float(loss))",
        "losses.append(loss.numpy().item())",
    ),
    # Issue 11: an exception's hint, and a hint that names the right mistake.
    Variant(
        E,
        "model_elementwise_product",
        "    return tf.matmul(inputs, W) + b",
        "    return inputs * W + b",
        "`*`는 원소별 곱셈",
    ),
    Variant(
        E,
        "gradient_by_hand_without_the_two",
        """    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])""",
        """    predictions = model(inputs, W, b)
    loss = square_loss(targets, predictions)
    errors = (predictions - targets) / targets.shape[0]
    grad_loss_wrt_W = tf.matmul(inputs, errors, transpose_a=True)
    grad_loss_wrt_b = tf.reduce_sum(errors, axis=0)""",
        "한 스텝의 0.5배",
        # Half-size steps: whether 40 of them reach the loss threshold from the variant's own
        # random start (init_parameters) is the start's luck, as for normal_weights.
        random_verdicts=(
            "test_fit_book_data",
            "test_fit_swapped_classes",
            "test_fit_mirrored_classes",
        ),
    ),
]
