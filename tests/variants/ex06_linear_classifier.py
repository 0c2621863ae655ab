from tests.variants import Variant

E = "ex06_linear_classifier"
VARIANTS = [
    Variant(E, "classes_swapped",
            "mean=[0, 3], cov=cov, size=num_samples_per_class)\n"
            "    positive_samples = rng.multivariate_normal(mean=[3, 0]",
            "mean=[3, 0], cov=cov, size=num_samples_per_class)\n"
            "    positive_samples = rng.multivariate_normal(mean=[0, 3]",
            "순서가 바뀌었습니다"),
    Variant(E, "identity_covariance", "cov = [[1, 0.5], [0.5, 1]]", "cov = [[1, 0], [0, 1]]",
            "공분산"),
    Variant(E, "seed_ignored", "rng = np.random.default_rng(seed)",
            "rng = np.random.default_rng(42)", "seed=None"),
    Variant(E, "inputs_float64", "inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)",
            "inputs = np.vstack((negative_samples, positive_samples))", "astype(np.float32)"),
    Variant(E, "normal_weights", "tf.random.uniform(shape=(input_dim, output_dim))",
            "tf.random.normal(shape=(input_dim, output_dim))", "tf.random.uniform"),
    Variant(E, "forgot_bias", "return tf.matmul(inputs, W) + b", "return tf.matmul(inputs, W)",
            "편향 b를 더하지 않았습니다"),
    Variant(E, "reduce_sum_loss", "return tf.reduce_mean(per_sample_losses)",
            "return tf.reduce_sum(per_sample_losses)", "reduce_mean"),
    Variant(E, "gradient_ascent", "W.assign_sub(grad_loss_wrt_W * learning_rate)",
            "W.assign_add(grad_loss_wrt_W * learning_rate)", "경사 상승법"),
    Variant(E, "hard_coded_learning_rate", "W.assign_sub(grad_loss_wrt_W * learning_rate)",
            "W.assign_sub(grad_loss_wrt_W * 0.1)", "learning_rate 인자"),
    Variant(E, "rebinds_instead_of_assign",
            "    W.assign_sub(grad_loss_wrt_W * learning_rate)\n"
            "    b.assign_sub(grad_loss_wrt_b * learning_rate)\n",
            "    W = W - grad_loss_wrt_W * learning_rate\n"
            "    b = b - grad_loss_wrt_b * learning_rate\n",
            "assign_sub"),
    Variant(E, "loss_after_update", "    return loss\n    ### END SOLUTION\n\n\n# %% [markdown]\n# ## 배치",
            "    return square_loss(targets, model(inputs, W, b))\n    ### END SOLUTION\n\n\n"
            "# %% [markdown]\n# ## 배치",
            "업데이트한 뒤의 손실"),
    Variant(E, "fit_default_rate_diverges", "def fit(inputs, targets, steps=40, learning_rate=0.1):",
            "def fit(inputs, targets, steps=40, learning_rate=0.5):", "발산"),
    Variant(E, "fit_too_few_steps", "    for _ in range(steps):",
            "    for _ in range(min(steps, 10)):", "steps"),
    Variant(E, "fit_trains_on_own_data",
            "    W, b = init_parameters(input_dim=2, output_dim=1)\n",
            "    W, b = init_parameters(input_dim=2, output_dim=1)\n"
            "    inputs, targets = make_dataset()\n",
            "새로 뽑은 데이터"),
    Variant(E, "slope_sign", "slope = -w1 / w2", "slope = w1 / w2", "부호"),
    Variant(E, "intercept_ignores_threshold", "intercept = (threshold - bias) / w2",
            "intercept = (0.5 - bias) / w2", "절편"),
    Variant(E, "plot_threshold_zero", "predicted_class = np.asarray(predictions[:, 0] > 0.5)",
            "predicted_class = np.asarray(predictions[:, 0] > 0)", "예측한 클래스와 맞지 않습니다"),
    Variant(E, "plot_continuous_colours", "c=predicted_class,", "c=np.asarray(predictions[:, 0]),",
            "두 가지 색"),
    Variant(E, "plot_no_line", '    ax.plot(x, slope * x + intercept, "-r", label="w1*x + w2*y + b = 0.5")\n',
            "", "결정 경계 직선"),
    Variant(E, "plot_line_at_zero", "slope, intercept = decision_boundary(W, b)",
            "slope, intercept = decision_boundary(W, b, 0.0)", "= 0을 따릅니다"),
    Variant(E, "plot_subset_of_points", "ax.scatter(points[:, 0], points[:, 1], c=predicted_class,",
            "ax.scatter(points[::2, 0], points[::2, 1], c=predicted_class[::2],", "모든 점"),
]
